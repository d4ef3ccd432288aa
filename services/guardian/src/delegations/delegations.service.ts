import { Inject, Injectable } from '@nestjs/common'
import { DelegationId } from '@tessera/contracts'
import type { SessionMode } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
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
  apiKeyActor,
  newId,
} from '@tessera/service-kit'
import {
  DelegationAgentNotFound,
  DelegationAgentRevoked,
  DelegationAlreadyRevoked,
  type DelegationCommand,
  DelegationDepthExceeded,
  DelegationExpired,
  DelegationNotFound,
  InvalidDelegation,
  MAX_DELEGATION_DEPTH,
  ScopeNotDelegable,
  delegationDecider,
  delegationStreamId,
} from '../domain/delegation/delegation.decider.ts'
import {
  type SessionCommand,
  SessionAgentNotFound,
  SessionAgentRevoked,
  sessionDecider,
  sessionStreamId,
} from '../domain/session/session.decider.ts'
import { type SessionView, findSession } from '../sessions/sessions.repository.ts'
import { findHolder } from '../tokens/tokens.repository.ts'
import { loadDelegation, revokeWithDescendants } from './delegation-revocation.ts'
import {
  type DelegationPage,
  type DelegationStatus,
  type DelegationView,
  findDelegation,
  listDelegations,
  lockTreeOf,
  shareDelegation,
} from './delegations.repository.ts'

export interface NewDelegation {
  fromAgentId: string
  toAgentId: string
  scope: string[]
  ttlSeconds: number
  parentDelegationId?: string | undefined
}

/** A revoked delegation, with the ids of those revoked with it because they derive from it. */
export type RevokedDelegation = DelegationView & { cascaded: string[] }

/** Delegations of the caller's org: each change is its events and its rows, in one transaction. */
@Injectable()
export class DelegationsService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  async create(auth: AuthContext, input: NewDelegation): Promise<DelegationView> {
    const delegationId = newId('dlg')
    const { parentDelegationId, ...rest } = input
    await this.db
      .transaction()
      .execute(async (tx) => {
        // Both held until commit: an agent revoked now waits, then finds this delegation to end.
        const share = { share: true }
        const from = await findHolder(tx, this.schema, auth.orgId, input.fromAgentId, share)
        const to = await findHolder(tx, this.schema, auth.orgId, input.toAgentId, share)
        const parent = parentDelegationId && (await this.lockParent(auth, tx, parentDelegationId))
        const command: DelegationCommand = {
          type: 'CreateDelegation',
          delegationId,
          orgId: auth.orgId,
          ...rest,
          from,
          to,
          ...(parent ? { parent } : {}),
          now: new Date(),
        }
        const stream = delegationStreamId(delegationId)
        await this.log.handle(stream, delegationDecider, command, apiKeyActor(auth), tx)
      })
      .catch(rethrow)
    return this.get(auth, delegationId)
  }

  /** The parent, folded from its stream, with its tree locked; `none` when the org has none. */
  private async lockParent(auth: AuthContext, tx: SchemaTx, parentDelegationId: string) {
    const locked = DelegationId.safeParse(parentDelegationId).success
      ? await lockTreeOf(tx, this.schema, auth.orgId, parentDelegationId)
      : undefined
    const { state } = locked
      ? await loadDelegation(this.log, tx, parentDelegationId)
      : { state: { status: 'none' as const } }
    return { delegationId: parentDelegationId, state }
  }

  async get(auth: AuthContext, delegationId: string): Promise<DelegationView> {
    const found = await findDelegation(this.db, this.schema, auth.orgId, delegationId, new Date())
    if (!found) throw NotFound('delegation', delegationId)
    return found
  }

  list(
    auth: AuthContext,
    q: {
      agentId?: string | undefined
      status?: DelegationStatus | undefined
      limit: number
      after?: PageCursor | undefined
    },
  ): Promise<DelegationPage> {
    return listDelegations(this.db, this.schema, auth.orgId, q, new Date())
  }

  /** Revokes at once, with every delegation derived from it and all their sessions. */
  async revoke(
    auth: AuthContext,
    delegationId: string,
    note: string | undefined,
  ): Promise<RevokedDelegation> {
    if (!DelegationId.safeParse(delegationId).success) throw NotFound('delegation', delegationId)
    const revoked = await this.db
      .transaction()
      .execute(async (tx) => {
        if (!(await lockTreeOf(tx, this.schema, auth.orgId, delegationId))) {
          throw new DelegationNotFound(delegationId)
        }
        const command = { delegationId, orgId: auth.orgId, reason: 'revoked' as const, note }
        const target = await loadDelegation(this.log, tx, delegationId)
        return revokeWithDescendants(
          this.log,
          tx,
          this.schema,
          target,
          { ...command, now: new Date() },
          apiKeyActor(auth),
        )
      })
      .catch(rethrow)
    const view = await this.get(auth, delegationId)
    return { ...view, cascaded: revoked.slice(1).map((r) => r.delegationId) }
  }

  /** A session for the delegate, its ceiling the delegated scope, ending when the delegation does. */
  async startSession(
    auth: AuthContext,
    delegationId: string,
    input: { serverId: string; mode: SessionMode },
  ): Promise<SessionView> {
    if (!DelegationId.safeParse(delegationId).success) throw NotFound('delegation', delegationId)
    const sessionId = newId('ses')
    await this.db
      .transaction()
      .execute(async (tx) => {
        // Held until commit: a revocation now waits, and then finds this session to close.
        const exists = await shareDelegation(tx, this.schema, auth.orgId, delegationId)
        const { state } = exists
          ? await loadDelegation(this.log, tx, delegationId)
          : { state: { status: 'none' as const } }
        const delegation = state.status === 'none' ? null : state
        const agent = delegation
          ? await findHolder(tx, this.schema, auth.orgId, delegation.toAgentId)
          : null
        const command: SessionCommand = {
          type: 'StartDelegatedSession',
          sessionId,
          delegationId,
          delegation,
          agent,
          orgId: auth.orgId,
          ...input,
          now: new Date(),
        }
        const stream = sessionStreamId(sessionId)
        await this.log.handle(stream, sessionDecider, command, apiKeyActor(auth), tx)
      })
      .catch(rethrow)
    const session = await findSession(this.db, this.schema, auth.orgId, sessionId)
    if (!session) throw NotFound('session', sessionId)
    return session
  }
}

/** The domain's refusals, as the API's errors. */
function rethrow(err: unknown): never {
  if (err instanceof DelegationNotFound) throw NotFound('delegation', err.delegationId)
  if (err instanceof DelegationAgentNotFound) throw NotFound('agent', err.agentId)
  if (err instanceof SessionAgentNotFound) throw new ApiError(404, 'NOT_FOUND', err.message)
  if (err instanceof DelegationAgentRevoked) {
    throw new ApiError(409, 'AGENT_REVOKED', err.message, { agent: err.agentId })
  }
  if (err instanceof SessionAgentRevoked) throw new ApiError(409, 'AGENT_REVOKED', err.message)
  if (err instanceof DelegationAlreadyRevoked) {
    throw new ApiError(409, 'DELEGATION_REVOKED', err.message, { delegation: err.delegationId })
  }
  if (err instanceof DelegationExpired) {
    throw new ApiError(409, 'DELEGATION_EXPIRED', err.message, { delegation: err.delegationId })
  }
  if (err instanceof ScopeNotDelegable) {
    throw ValidationFailed(err.message, { field: 'scope', notGranted: err.scopes })
  }
  if (err instanceof DelegationDepthExceeded) {
    throw new ApiError(400, 'DELEGATION_DEPTH_EXCEEDED', err.message, {
      field: 'parentDelegationId',
      depth: err.depth,
      maxDepth: MAX_DELEGATION_DEPTH,
    })
  }
  if (err instanceof InvalidDelegation) throw ValidationFailed(err.message, { field: err.field })
  throw err
}
