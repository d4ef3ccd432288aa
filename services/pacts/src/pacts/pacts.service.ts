import { Inject, Injectable } from '@nestjs/common'
import type { Page, Pact, PactStatus, PactTerms, RegisteredPact } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import {
  type AuthContext,
  CONFIG,
  DB,
  EVENT_LOG,
  type EventLog,
  NotFound,
  type PageCursor,
  SERVICE_SCHEMA,
  apiKeyActor,
  newId,
} from '@tessera/service-kit'
import {
  type PactCommand,
  type Party,
  nonceScope,
  pactDecider,
  pactStreamId,
} from '../domain/pact/pact.decider.ts'
import { PactNotFound } from '../domain/pact/pact.errors.ts'
import type { PactsEnv } from '../pacts.env.ts'
import { resolveAgent, resolveAgents } from './agent-directory.repository.ts'
import { PactExpiry } from './pact-expiry.ts'
import { toApiError } from './pacts.errors.ts'
import { findPact, listPacts, nonceUsedBy } from './pacts.repository.ts'

type Terms = Pick<PactTerms, 'proposedBy' | 'proposedTo' | 'nonce'>

/**
 * Loads what each pact command needs (the parties from the agent directory, the nonce's past),
 * runs the pact decider and appends, scheduling a new round's deadline in the same transaction.
 * Every rule is the decider's.
 */
@Injectable()
export class PactsService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(CONFIG) private readonly config: PactsEnv,
    @Inject(PactExpiry) private readonly expiry: PactExpiry,
  ) {}

  async propose(auth: AuthContext, body: { terms: PactTerms; signature: string }): Promise<Pact> {
    const pactId = newId('pact')
    await this.run(auth, pactId, async (tx) => {
      const parties = await this.parties(tx, body.terms)
      return {
        type: 'ProposePact',
        pactId,
        callerOrgId: auth.orgId,
        now: new Date(),
        terms: body.terms,
        signature: body.signature,
        ...parties,
        nonceUsedBy: await this.nonce(tx, parties.proposedBy.party, body.terms),
        ttlSeconds: this.config.PACTS_ROUND_TTL_SECONDS,
      }
    })
    return this.get(auth, pactId)
  }

  async counter(
    auth: AuthContext,
    pactId: string,
    body: { amendedTerms: PactTerms; signature: string },
  ): Promise<Pact> {
    await this.run(auth, pactId, async (tx) => {
      const parties = await this.parties(tx, body.amendedTerms)
      return {
        type: 'CounterPact',
        pactId,
        callerOrgId: auth.orgId,
        now: new Date(),
        terms: body.amendedTerms,
        signature: body.signature,
        ...parties,
        nonceUsedBy: await this.nonce(tx, parties.proposedBy.party, body.amendedTerms),
        roundLimit: this.config.PACTS_ROUND_LIMIT,
        ttlSeconds: this.config.PACTS_ROUND_TTL_SECONDS,
      }
    })
    return this.get(auth, pactId)
  }

  async accept(
    auth: AuthContext,
    pactId: string,
    body: { pactHash: string; signature: string },
  ): Promise<Pact> {
    await this.run(auth, pactId, async (tx) => {
      const pact = await findPact(tx, this.schema, auth.orgId, pactId)
      if (!pact) throw new PactNotFound('pact not found')
      const { buyer, seller } = pact.parties
      return {
        type: 'AcceptPact',
        pactId,
        callerOrgId: auth.orgId,
        now: new Date(),
        ...body,
        buyer: (await resolveAgent(tx, this.schema, buyer.agentId)).party,
        seller: (await resolveAgent(tx, this.schema, seller.agentId)).party,
      }
    })
    return this.get(auth, pactId)
  }

  async reject(auth: AuthContext, pactId: string, body: { reason: string }): Promise<Pact> {
    await this.run(auth, pactId, () =>
      Promise.resolve({
        type: 'RejectPact',
        pactId,
        callerOrgId: auth.orgId,
        now: new Date(),
        reason: body.reason,
      }),
    )
    return this.get(auth, pactId)
  }

  async register(
    auth: AuthContext,
    body: {
      pactHash: string
      buyerDid: string
      sellerDid: string
      buyerSignature: string
      sellerSignature: string
      terms: PactTerms
    },
  ): Promise<RegisteredPact> {
    const pactId = newId('pact')
    await this.run(auth, pactId, async (tx) => {
      const parties = await this.parties(tx, body.terms)
      const dids = await resolveAgents(tx, this.schema, {
        buyerDid: body.buyerDid,
        sellerDid: body.sellerDid,
      })
      return {
        type: 'RegisterPact',
        pactId,
        callerOrgId: auth.orgId,
        now: new Date(),
        ...body,
        ...parties,
        ...dids,
        nonceUsedBy: await this.nonce(tx, parties.proposedBy.party, body.terms),
      }
    })
    const pact = await this.get(auth, pactId)
    return { pactId, pactHash: pact.pactHash, status: 'active', createdAt: pact.createdAt }
  }

  async reportExecutionFailure(
    auth: AuthContext,
    pactId: string,
    body: { escrowId?: string | undefined; failureReason: string },
  ): Promise<Pact> {
    await this.run(auth, pactId, () =>
      Promise.resolve({
        type: 'ReportExecutionFailure',
        pactId,
        callerOrgId: auth.orgId,
        now: new Date(),
        ...body,
      }),
    )
    return this.get(auth, pactId)
  }

  async get(auth: AuthContext, pactId: string): Promise<Pact> {
    const pact = await findPact(this.db, this.schema, auth.orgId, pactId)
    if (!pact) throw NotFound('pact', pactId)
    return pact
  }

  list(
    auth: AuthContext,
    q: {
      limit: number
      cursor?: PageCursor | undefined
      status?: PactStatus | undefined
      agentId?: string | undefined
    },
  ): Promise<Page<Pact>> {
    return listPacts(this.db, this.schema, auth.orgId, { ...q, after: q.cursor })
  }

  /** One command in one transaction: facts read, decided, appended, its deadline scheduled. */
  private async run(
    auth: AuthContext,
    pactId: string,
    command: (tx: SchemaTx) => Promise<PactCommand>,
  ): Promise<void> {
    await this.db
      .transaction()
      .execute(async (tx) => {
        const stored = await this.log.handle(
          pactStreamId(pactId),
          pactDecider,
          await command(tx),
          apiKeyActor(auth),
          tx,
        )
        await this.expiry.scheduleRounds(tx, stored)
      })
      .catch((err: unknown) => {
        throw toApiError(err, pactId)
      })
  }

  private parties(tx: SchemaTx, terms: Terms) {
    return resolveAgents(tx, this.schema, {
      proposedBy: terms.proposedBy,
      proposedTo: terms.proposedTo,
    })
  }

  /** The pact that used the nonce under the proposer's key (see `nonceScope`), if any. */
  private nonce(tx: SchemaTx, proposer: Party | null, terms: Terms) {
    return nonceUsedBy(tx, this.schema, proposer ? nonceScope(proposer) : undefined, terms.nonce)
  }
}
