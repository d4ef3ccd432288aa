import { Inject, Injectable } from '@nestjs/common'
import type { ActionCheckResult, ActionChecked } from '@tessera/contracts'
import { type AuthContext, NotFound, newTimeOrderedId } from '@tessera/service-kit'
import { ApprovalsService } from '../approvals/approvals.service.ts'
import {
  type CheckOutcome,
  type CheckRequest,
  CheckedAgentNotFound,
  CheckedSessionNotFound,
  decideCheck,
} from '../domain/action/check.ts'
import { DecisionLog } from './decision-log.ts'
import { GuardCache } from './guard-cache.ts'

/**
 * The hot path. Reads come from the replica's cache (kept exact by NOTIFY), the decision is
 * pure, and the answer waits only for its row in the group-committed decision log. Only a
 * check that needs elevation touches Postgres on its own, to file or use an approval.
 */
@Injectable()
export class ActionsService {
  constructor(
    @Inject(GuardCache) private readonly cache: GuardCache,
    @Inject(DecisionLog) private readonly decisions: DecisionLog,
    @Inject(ApprovalsService) private readonly approvals: ApprovalsService,
  ) {}

  async check(auth: AuthContext, req: CheckRequest): Promise<ActionCheckResult> {
    const agent = await this.cache.agent(req.agentId)
    const session = req.sessionId === undefined ? null : await this.cache.session(req.sessionId)
    const policy = await this.cache.policy(auth.orgId)
    const now = new Date()
    let outcome: CheckOutcome
    try {
      outcome = decideCheck(
        req,
        agent?.orgId === auth.orgId ? agent : undefined,
        session?.orgId === auth.orgId ? session : undefined,
        policy.compiled,
        now,
      )
    } catch (err) {
      if (err instanceof CheckedAgentNotFound) throw NotFound('agent', req.agentId)
      if (err instanceof CheckedSessionNotFound) throw NotFound('session', req.sessionId ?? '')
      throw err
    }
    const checkId = newTimeOrderedId('chk', now.getTime())
    let approvalId: string | undefined
    if (outcome.decision === 'elevation_required') {
      const elevation = await this.approvals.resolve(
        auth,
        {
          orgId: auth.orgId,
          agentId: req.agentId,
          sessionId: req.sessionId,
          actionName: req.toolName,
          actionEffect: outcome.effect,
          action: req.action,
          toolInputSummary: req.toolInputSummary,
          checkId,
          rule: outcome.rule,
          reason: outcome.reason,
        },
        policy.approvalWindowSeconds,
        now,
      )
      approvalId = elevation.approvalId
      if (elevation.granted) {
        outcome = {
          ...outcome,
          decision: 'allow',
          rule: 'elevation.approved',
          reason: `approved elevation ${approvalId} (required by ${outcome.rule}) was used; it lets one call through`,
        }
      }
    }
    const row: ActionChecked = {
      checkId,
      orgId: auth.orgId,
      agentId: req.agentId,
      ...(req.sessionId === undefined ? {} : { sessionId: req.sessionId }),
      action: req.action,
      toolName: req.toolName,
      ...(req.toolInputSummary === undefined ? {} : { toolInputSummary: req.toolInputSummary }),
      capability: outcome.capability,
      effect: outcome.effect,
      effectSource: outcome.effectSource,
      confidence: outcome.confidence,
      decision: outcome.decision,
      reason: outcome.reason,
      rule: outcome.rule,
      ...(approvalId === undefined ? {} : { approvalId }),
      checkedAt: now.toISOString(),
    }
    await this.decisions.record(row)
    return {
      allowed: outcome.decision === 'allow',
      decision: outcome.decision,
      elevationRequired: outcome.decision === 'elevation_required',
      reason: outcome.reason,
      rule: outcome.rule,
      confidence: outcome.confidence,
      checkId,
      ...(approvalId === undefined ? {} : { approvalId }),
      capability: outcome.capability,
      effect: outcome.effect,
      effectSource: outcome.effectSource,
    }
  }
}
