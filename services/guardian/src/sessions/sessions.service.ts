import { Inject, Injectable } from '@nestjs/common'
import type { SessionMode } from '@tessera/contracts'
import type { AppendContext, SchemaDb, SchemaTx } from '@tessera/event-store'
import {
  ApiError,
  type AuthContext,
  DB,
  EVENT_LOG,
  type EventLog,
  NotFound,
  SERVICE_SCHEMA,
  ValidationFailed,
  newId,
  apiKeyActor,
} from '@tessera/service-kit'
import {
  CeilingAboveCapabilities,
  SessionAgentNotFound,
  SessionAgentRevoked,
  type SessionCommand,
  sessionDecider,
  sessionStreamId,
} from '../domain/session/session.decider.ts'
import { findHolder } from '../tokens/tokens.repository.ts'
import { type SessionView, activeSessionsOf, findSession } from './sessions.repository.ts'

@Injectable()
export class SessionsService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  async start(
    auth: AuthContext,
    input: {
      agentId: string
      serverId: string
      mode: SessionMode
      scopeCeiling?: string[] | undefined
    },
  ): Promise<SessionView> {
    const sessionId = newId('ses')
    await this.db
      .transaction()
      .execute(async (tx) => {
        const agent = await findHolder(tx, this.schema, auth.orgId, input.agentId)
        const command: SessionCommand = {
          type: 'StartSession',
          sessionId,
          agent,
          orgId: auth.orgId,
          ...input,
          now: new Date(),
        }
        await this.log.handle(
          sessionStreamId(sessionId),
          sessionDecider,
          command,
          apiKeyActor(auth),
          tx,
        )
      })
      .catch((err: unknown) => {
        if (err instanceof SessionAgentNotFound) throw NotFound('agent', input.agentId)
        if (err instanceof SessionAgentRevoked)
          throw new ApiError(409, 'AGENT_REVOKED', err.message, { agent: input.agentId })
        if (err instanceof CeilingAboveCapabilities) {
          throw ValidationFailed(err.message, { field: 'scopeCeiling', notGranted: err.scopes })
        }
        throw err
      })
    return this.get(auth, sessionId)
  }

  async get(auth: AuthContext, sessionId: string): Promise<SessionView> {
    const session = await findSession(this.db, this.schema, auth.orgId, sessionId)
    if (!session) throw NotFound('session', sessionId)
    return session
  }
}

/**
 * Closes every open session of a revoked agent, inside the revocation's own transaction, so
 * nothing the agent holds outlives it.
 */
export async function closeSessionsOf(
  log: EventLog,
  tx: SchemaTx,
  schema: string,
  agent: { agentId: string; orgId: string },
  ctx: AppendContext,
) {
  const sessionIds = await activeSessionsOf(tx, schema, agent.agentId)
  await closeSessions(log, tx, agent.orgId, sessionIds, 'agent_revoked', ctx)
}

/** Closes the org's sessions in `tx`, each an event on its own stream (its row is projected). */
export async function closeSessions(
  log: EventLog,
  tx: SchemaTx,
  orgId: string,
  sessionIds: readonly string[],
  reason: Extract<SessionCommand, { type: 'CloseSession' }>['reason'],
  ctx: AppendContext,
) {
  for (const sessionId of sessionIds) {
    const command: SessionCommand = {
      type: 'CloseSession',
      sessionId,
      orgId,
      reason,
      now: new Date(),
    }
    await log.handle(sessionStreamId(sessionId), sessionDecider, command, ctx, tx)
  }
}
