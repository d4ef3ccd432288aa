import { Inject, Injectable } from '@nestjs/common'
import { AgentId } from '@tessera/contracts'
import {
  ApiError,
  type AuthContext,
  DB,
  EVENT_LOG,
  type EventLog,
  NotFound,
  type PageCursor,
  SERVICE_SCHEMA,
  ValidationFailed,
  newId,
  apiKeyActor,
} from '@tessera/service-kit'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import {
  AgentAlreadyRevoked,
  AgentNotFound,
  type AgentCommand,
  InvalidPublicKey,
  agentDecider,
  agentStreamId,
} from '../domain/agent/agent.decider.ts'
import { withdrawCard } from '../agent-cards/agent-cards.service.ts'
import { revokeDelegationsOf } from '../delegations/delegation-revocation.ts'
import { closeSessionsOf } from '../sessions/sessions.service.ts'
import { withFreeHandle } from './agent-handles.ts'
import {
  type AgentPage,
  type AgentView,
  findAgent,
  isHandleTaken,
  listAgents,
} from './agents.repository.ts'

export interface NewAgent {
  name: string
  framework: string
  capabilities: string[]
  metadata?: Record<string, unknown> | undefined
  publicKey?: Uint8Array | undefined
}

/** Agents of the caller's org: each change is its events, projected to its row in one transaction. */
@Injectable()
export class AgentsService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  async register(auth: AuthContext, input: NewAgent): Promise<AgentView> {
    const agentId = newId('agt')
    const now = new Date()
    // A taken handle fails the row's insert, which rolls the events back too: draw again.
    const attempt = (handle: string) =>
      this.db.transaction().execute(async (tx) => {
        const command: AgentCommand = {
          type: 'RegisterAgent',
          agentId,
          orgId: auth.orgId,
          ...input,
          handle,
          now,
        }
        await this.handle(auth, command, tx)
      })
    await withFreeHandle(attempt, isHandleTaken).catch(rethrow(agentId))
    return this.get(auth, agentId)
  }

  /** Revokes at once and for good. */
  async revoke(auth: AuthContext, agentId: string, reason: string): Promise<AgentView> {
    if (!AgentId.safeParse(agentId).success) throw NotFound('agent', agentId)
    const command: AgentCommand = {
      type: 'RevokeAgent',
      agentId,
      orgId: auth.orgId,
      reason,
      now: new Date(),
    }
    await this.db
      .transaction()
      .execute(async (tx) => {
        await this.handle(auth, command, tx)
        // Its sessions close in this same transaction; its tokens need no write, since
        // introspection reads the agent's status with the token.
        await closeSessionsOf(
          this.log,
          tx,
          this.schema,
          { agentId, orgId: auth.orgId },
          apiKeyActor(auth),
        )
        // So do the delegations from and to it, with all derived from them and their sessions.
        await revokeDelegationsOf(
          this.log,
          tx,
          this.schema,
          { agentId, orgId: auth.orgId },
          apiKeyActor(auth),
        )
        // Its published A2A card comes down with it: the public URL answers 404 once this commits.
        await withdrawCard(
          this.log,
          tx,
          { agentId, orgId: auth.orgId },
          'agent_revoked',
          apiKeyActor(auth),
        )
      })
      .catch(rethrow(agentId))
    return this.get(auth, agentId)
  }

  async get(auth: AuthContext, agentId: string): Promise<AgentView> {
    const agent = await findAgent(this.db, this.schema, auth.orgId, agentId)
    if (!agent) throw NotFound('agent', agentId)
    return agent
  }

  list(
    auth: AuthContext,
    q: {
      status?: 'active' | 'revoked' | undefined
      limit: number
      after?: PageCursor | undefined
    },
  ): Promise<AgentPage> {
    return listAgents(this.db, this.schema, auth.orgId, q)
  }

  /** Runs one command on its agent's stream, as the caller, in `tx`; returns its event's data. */
  private async handle(auth: AuthContext, command: AgentCommand, tx: SchemaTx) {
    const stream = agentStreamId(command.agentId)
    const [e] = await this.log.handle(stream, agentDecider, command, apiKeyActor(auth), tx)
    return e?.data
  }
}

/** The domain's refusals, as the API's errors. */
function rethrow(agentId: string) {
  return (err: unknown): never => {
    if (err instanceof AgentNotFound) throw NotFound('agent', agentId)
    if (err instanceof AgentAlreadyRevoked) {
      throw new ApiError(409, 'AGENT_REVOKED', err.message, { agent: agentId })
    }
    if (err instanceof InvalidPublicKey) throw ValidationFailed(err.message, { field: 'publicKey' })
    throw err
  }
}
