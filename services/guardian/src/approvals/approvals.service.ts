import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common'
import type { Logger } from 'pino'
import type { ActionChecked, Approval } from '@tessera/contracts'
import {
  ConcurrencyError,
  type AppendContext,
  type SchemaDb,
  type SchemaTx,
} from '@tessera/event-store'
import {
  ApiError,
  type AuthContext,
  CONFIG,
  DB,
  EVENT_LOG,
  type EventLog,
  LOGGER,
  NotFound,
  SERVICE_SCHEMA,
  apiKeyActor,
  newId,
} from '@tessera/service-kit'
import {
  ApprovalAlreadyDecided,
  type ApprovalCommand,
  ApprovalHasExpired,
  ApprovalNotFound,
  approvalDecider,
  approvalStreamId,
} from '../domain/approval/approval.decider.ts'
import type { Elevation } from '../domain/action/elevation.ts'
import { appendCheckRows } from '../actions/decision-log.ts'
import { GuardCache } from '../guard-cache/guard-cache.ts'
import type { GuardianEnv } from '../guardian.env.ts'
import {
  type ApprovalFilter,
  type ElevationKey,
  findApproval,
  findPendingApproval,
  lapsedApprovals,
  listApprovals,
  lockUsableApproval,
} from './approvals.repository.ts'

/** What a check needing elevation asks for, beyond the key it is filed under. */
export interface ElevationRequest extends ElevationKey {
  action: string
  /** The tool as the check spelled it; the approval is bound to its capability. */
  actionName: string
  toolInputSummary?: string | undefined
  checkId: string
  rule: string
  reason: string
}

/** The key that decides, and its user: who decided, whatever note the body gives. */
const decidingKey = (auth: AuthContext) => ({
  keyId: auth.keyId,
  ...(auth.userId === undefined ? {} : { userId: auth.userId }),
})

/**
 * Human elevation. A check that needs it files a pending approval, bound to the action (agent,
 * session, capability, effect and input digest: retries of the same action reuse it); a human
 * approves or denies it; the same action, when retried, passes exactly once within the window.
 * Pending approvals lapse after the org's window, and a sweeper records that as
 * `ApprovalExpired`.
 */
@Injectable()
export class ApprovalsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private sweeper: NodeJS.Timeout | undefined

  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(CONFIG) private readonly config: GuardianEnv,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(GuardCache) private readonly cache: GuardCache,
  ) {}

  onApplicationBootstrap() {
    this.sweeper = setInterval(() => void this.sweep(), this.config.GUARDIAN_APPROVAL_SWEEP_MS)
    this.sweeper.unref()
  }

  onApplicationShutdown() {
    clearInterval(this.sweeper)
  }

  async get(auth: AuthContext, approvalId: string): Promise<Approval> {
    const view = await findApproval(this.db, this.schema, auth.orgId, approvalId, new Date())
    if (!view) throw NotFound('approval', approvalId)
    return view
  }

  list(auth: AuthContext, filter: ApprovalFilter) {
    return listApprovals(this.db, this.schema, auth.orgId, filter, new Date())
  }

  async approve(auth: AuthContext, approvalId: string, decidedBy: string | undefined) {
    const { approvalWindowSeconds } = await this.cache.policy(auth.orgId)
    const command: ApprovalCommand = {
      type: 'Approve',
      orgId: auth.orgId,
      decidedByKey: decidingKey(auth),
      decidedBy,
      windowSeconds: approvalWindowSeconds,
      now: new Date(),
    }
    await this.decide(auth, approvalId, command)
    return this.get(auth, approvalId)
  }

  async deny(
    auth: AuthContext,
    approvalId: string,
    decidedBy: string | undefined,
    reason?: string,
  ) {
    const command: ApprovalCommand = {
      type: 'Deny',
      orgId: auth.orgId,
      decidedByKey: decidingKey(auth),
      decidedBy,
      reason,
      now: new Date(),
    }
    await this.decide(auth, approvalId, command)
    return this.get(auth, approvalId)
  }

  /**
   * For a check that needs elevation: uses up an approved approval for the same action if
   * there is one (`granted`), else returns the pending approval, filing one when there is
   * none. Concurrent checks of one action end up with one pending approval. The check's
   * decision-log row (`rowFor` the outcome) commits in the same transaction: an approval is
   * never used up by a check that is not on record.
   */
  async resolve(
    auth: AuthContext,
    req: ElevationRequest,
    windowSeconds: number,
    now: Date,
    rowFor: (elevation: Elevation) => ActionChecked,
  ): Promise<Elevation> {
    const ctx = apiKeyActor(auth)
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction().execute(async (tx) => {
          const elevation = await this.resolveIn(tx, ctx, req, windowSeconds, now)
          await appendCheckRows(tx, this.schema, [rowFor(elevation)])
          return elevation
        })
      } catch (err) {
        // another replica filed or used the same approval first: look again
        const raced = err instanceof ConcurrencyError || (err as { code?: string }).code === '23505'
        if (!raced || attempt >= 2) throw err
      }
    }
  }

  private async resolveIn(
    tx: SchemaTx,
    ctx: AppendContext,
    req: ElevationRequest,
    windowSeconds: number,
    now: Date,
  ): Promise<Elevation> {
    const usable = await lockUsableApproval(tx, this.schema, req, now)
    if (usable) {
      const command: ApprovalCommand = {
        type: 'Consume',
        orgId: req.orgId,
        checkId: req.checkId,
        now,
      }
      await this.log.handle(approvalStreamId(usable), approvalDecider, command, ctx, tx)
      return { approvalId: usable, granted: true }
    }
    const pending = await findPendingApproval(tx, this.schema, req)
    if (pending && pending.expires_at > now)
      return { approvalId: pending.approval_id, granted: false }
    if (pending) await this.expire(tx, pending.approval_id, now)
    const approvalId = newId('apr')
    const command: ApprovalCommand = {
      type: 'RequestApproval',
      request: {
        approvalId,
        orgId: req.orgId,
        agentId: req.agentId,
        ...(req.sessionId === undefined ? {} : { sessionId: req.sessionId }),
        action: req.action,
        actionName: req.actionName,
        actionEffect: req.actionEffect,
        ...(req.toolInputSummary === undefined ? {} : { toolInputSummary: req.toolInputSummary }),
        capability: req.capability,
        inputDigest: req.inputDigest,
        checkId: req.checkId,
        rule: req.rule,
        reason: req.reason,
      },
      windowSeconds,
      now,
    }
    await this.log.handle(approvalStreamId(approvalId), approvalDecider, command, ctx, tx)
    return { approvalId, granted: false }
  }

  private async decide(auth: AuthContext, approvalId: string, command: ApprovalCommand) {
    await this.log
      .handle(approvalStreamId(approvalId), approvalDecider, command, apiKeyActor(auth))
      .catch((err: unknown) => {
        if (err instanceof ApprovalNotFound) throw NotFound('approval', approvalId)
        if (err instanceof ApprovalHasExpired || err instanceof ApprovalAlreadyDecided) {
          throw new ApiError(409, err.code, err.message, { approvalId })
        }
        if (err instanceof ConcurrencyError) {
          throw new ApiError(
            409,
            'APPROVAL_ALREADY_DECIDED',
            'the approval was decided meanwhile',
            {
              approvalId,
            },
          )
        }
        throw err
      })
  }

  private async expire(tx: SchemaTx, approvalId: string, now: Date) {
    const ctx: AppendContext = { actor: { kind: 'system', id: 'approval-sweeper' } }
    await this.log.handle(
      approvalStreamId(approvalId),
      approvalDecider,
      { type: 'Expire', now },
      ctx,
      tx,
    )
  }

  /** Records lapsed approvals as expired; replicas may race, the log's versions settle it. */
  private async sweep() {
    try {
      const now = new Date()
      for (const approvalId of await lapsedApprovals(this.db, this.schema, now, 100)) {
        await this.db
          .transaction()
          .execute((tx) => this.expire(tx, approvalId, now))
          .catch((err: unknown) => {
            if (!(err instanceof ConcurrencyError)) throw err
          })
      }
    } catch (err) {
      this.logger.warn({ err }, 'approval sweep failed; the next one retries')
    }
  }
}
