import { Inject, Injectable } from '@nestjs/common'
import type { AppendContext, SchemaDb, SchemaTx } from '@tessera/event-store'
import {
  ApiError,
  type AuthContext,
  CONFIG,
  DB,
  EVENT_LOG,
  type EventLog,
  NotFound,
  SERVICE_SCHEMA,
  ValidationFailed,
  apiKeyActor,
  sha256Hex,
} from '@tessera/service-kit'
import {
  type A2aAgentCard,
  type CardOverrides,
  SkillNotACapability,
  buildAgentCard,
  cardUrls,
} from '../domain/card/agent-card.ts'
import {
  type AgentCardCommand,
  CardAgentNotFound,
  type CardHolder,
  CardAgentRevoked,
  agentCardDecider,
  agentCardStreamId,
} from '../domain/card/agent-card.decider.ts'
import type { GuardianEnv } from '../guardian.env.ts'
import { findCardAgent, findPublishedCard, storeCardDocument } from './agent-cards.repository.ts'
import { CardSigner, type SignedCard } from './card-signer.ts'

export interface PublishedCard {
  agentId: string
  /** Where anyone reads it, without a key. */
  url: string
  cardHash: string
  kid: string
  publishedAt: string
  card: A2aAgentCard
}

/** A public card's answer: the stored JSON as is, and a validator for conditional requests. */
export interface PublicCard {
  body: string
  etag: string
}

/** A2A agent cards: built from the agent, signed by guardian, published at a public URL. */
@Injectable()
export class AgentCardsService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(CONFIG) private readonly config: GuardianEnv,
    @Inject(CardSigner) private readonly signer: CardSigner,
  ) {}

  /** The signed card publishing would serve now; nothing is stored. */
  async generate(auth: AuthContext, agentId: string, overrides: CardOverrides) {
    const { signed } = await this.prepare(this.db, auth, agentId, overrides)
    return signed.card
  }

  /** Signs and serves the card; publishing the same card again changes nothing. */
  async publish(
    auth: AuthContext,
    agentId: string,
    overrides: CardOverrides,
  ): Promise<PublishedCard> {
    return this.db
      .transaction()
      .execute(async (tx) => {
        const { agent, signed } = await this.prepare(tx, auth, agentId, overrides)
        const command: AgentCardCommand = {
          type: 'PublishAgentCard',
          agentId,
          orgId: auth.orgId,
          agent,
          cardHash: signed.cardHash,
          kid: signed.kid,
          now: new Date(),
        }
        const json = JSON.stringify(signed.card)
        await storeCardDocument(tx, this.schema, { ...signed, json })
        const stream = agentCardStreamId(agentId)
        await this.log.handle(stream, agentCardDecider, command, apiKeyActor(auth), tx)
        const stored = await findPublishedCard(tx, this.schema, agentId)
        if (!stored) throw new Error(`agent ${agentId}: card published, yet not stored`)
        return {
          agentId,
          url: cardUrls(this.config.TESSERA_PUBLIC_URL, agentId).card,
          cardHash: stored.cardHash,
          kid: stored.kid,
          publishedAt: stored.publishedAt,
          card: JSON.parse(stored.card) as A2aAgentCard,
        }
      })
      .catch(rethrow(agentId))
  }

  /** Takes the card down; unpublishing a card that is not published changes nothing. */
  async unpublish(auth: AuthContext, agentId: string) {
    await this.db.transaction().execute(async (tx) => {
      if (!(await findCardAgent(tx, this.schema, auth.orgId, agentId)))
        throw NotFound('agent', agentId)
      const agent = { agentId, orgId: auth.orgId }
      await withdrawCard(this.log, tx, agent, 'unpublished', apiKeyActor(auth))
    })
    return { agentId, published: false }
  }

  /**
   * The published card for anyone. A card signed by a key guardian no longer uses (the env key
   * was set or changed) is signed again with the current one, so it verifies against the JWKS.
   */
  async getPublic(agentId: string): Promise<PublicCard> {
    const stored = await findPublishedCard(this.db, this.schema, agentId)
    if (!stored)
      throw new ApiError(404, 'NOT_FOUND', `agent ${agentId} has no published card`, {
        agent: agentId,
      })
    const body =
      stored.kid === this.signer.kid
        ? stored.card
        : JSON.stringify((await this.signer.sign(JSON.parse(stored.card) as A2aAgentCard)).card)
    return { body, etag: `"${sha256Hex(body).slice(0, 32)}"` }
  }

  jwks() {
    return this.signer.jwks()
  }

  /** The org's live agent and its card, built and signed: 404 for a stranger, 409 once revoked. */
  private async prepare(
    db: SchemaDb | SchemaTx,
    auth: AuthContext,
    agentId: string,
    overrides: CardOverrides,
  ): Promise<{ agent: CardHolder; signed: SignedCard }> {
    const agent = await findCardAgent(db, this.schema, auth.orgId, agentId)
    if (!agent) throw NotFound('agent', agentId)
    if (agent.status !== 'active') throw revoked(agentId)
    try {
      const card = buildAgentCard(agent, this.config.TESSERA_PUBLIC_URL, overrides)
      return { agent, signed: await this.signer.sign(card) }
    } catch (err) {
      if (err instanceof SkillNotACapability)
        throw ValidationFailed(err.message, { field: 'skills', notCapabilities: err.skills })
      throw err
    }
  }
}

/**
 * Takes an agent's published card down in `tx`, if it has one: unpublished by its org, or
 * inside the revocation's own transaction, so a revoked agent's card is gone when it commits.
 */
export async function withdrawCard(
  log: EventLog,
  tx: SchemaTx,
  agent: { agentId: string; orgId: string },
  reason: 'unpublished' | 'agent_revoked',
  ctx: AppendContext,
) {
  const command: AgentCardCommand = { type: 'WithdrawAgentCard', ...agent, reason, now: new Date() }
  await log.handle(agentCardStreamId(agent.agentId), agentCardDecider, command, ctx, tx)
}

const revoked = (agentId: string) =>
  new ApiError(409, 'AGENT_REVOKED', `agent ${agentId} is revoked`, { agent: agentId })

function rethrow(agentId: string) {
  return (err: unknown): never => {
    if (err instanceof CardAgentNotFound) throw NotFound('agent', agentId)
    if (err instanceof CardAgentRevoked) throw revoked(agentId)
    throw err
  }
}
