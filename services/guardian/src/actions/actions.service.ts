import { Inject, Injectable } from '@nestjs/common'
import type { ActionCheckResult, ActionChecked } from '@tessera/contracts'
import { type AuthContext, NotFound, newTimeOrderedId } from '@tessera/service-kit'
import { ApprovalsService } from '../approvals/approvals.service.ts'
import { inputDigest, keptSummary } from '../domain/action/check-input.ts'
import {
  type CheckOutcome,
  type CheckRequest,
  CheckedAgentNotFound,
  CheckedSessionNotFound,
  decideCheck,
} from '../domain/action/check.ts'
import { applyElevation } from '../domain/action/elevation.ts'
import { DecisionLog } from './decision-log.ts'
import { GuardCache } from '../guard-cache/guard-cache.ts'
import { PactBindingsCache } from '../pacts/pact-bindings.cache.ts'

/**
 * The hot path. Reads come from the replica's cache (kept exact by NOTIFY), the decision is
 * pure (`decideCheck`, then `applyElevation` once an approval is known), and the answer waits
 * only for its row in the group-committed decision log. Only a check that needs elevation
 * touches Postgres on its own, to file or use an approval, and its row commits with that. `req.toolInputSummary` is the whole summary as sent: an approval is
 * bound to its digest, and only the first 200 characters are kept.
 */
@Injectable()
export class ActionsService {
  constructor(
    @Inject(GuardCache) private readonly cache: GuardCache,
    @Inject(DecisionLog) private readonly decisions: DecisionLog,
    @Inject(ApprovalsService) private readonly approvals: ApprovalsService,
    @Inject(PactBindingsCache) private readonly pacts: PactBindingsCache,
  ) {}

  async check(auth: AuthContext, req: CheckRequest): Promise<ActionCheckResult> {
    const agent = await this.cache.agent(req.agentId)
    const session = req.sessionId === undefined ? null : await this.cache.session(req.sessionId)
    const policy = await this.cache.policy(auth.orgId)
    const pact = req.pactId === undefined ? null : await this.pacts.pact(req.pactId)
    const now = new Date()
    const summary = keptSummary(req.toolInputSummary)
    let outcome: CheckOutcome
    try {
      outcome = decideCheck(
        { ...req, toolInputSummary: summary },
        agent?.orgId === auth.orgId ? agent : undefined,
        session?.orgId === auth.orgId ? session : undefined,
        policy.compiled,
        now,
        pact,
      )
    } catch (err) {
      if (err instanceof CheckedAgentNotFound) throw NotFound('agent', req.agentId)
      if (err instanceof CheckedSessionNotFound) throw NotFound('session', req.sessionId ?? '')
      throw err
    }
    const checkId = newTimeOrderedId('chk', now.getTime())
    const rowOf = (o: CheckOutcome, approvalId?: string): ActionChecked => ({
      checkId,
      orgId: auth.orgId,
      agentId: req.agentId,
      ...(req.sessionId === undefined ? {} : { sessionId: req.sessionId }),
      action: req.action,
      toolName: req.toolName,
      ...(summary === undefined ? {} : { toolInputSummary: summary }),
      capability: o.capability,
      effect: o.effect,
      effectSource: o.effectSource,
      confidence: o.confidence,
      decision: o.decision,
      reason: o.reason,
      rule: o.rule,
      ...(approvalId === undefined ? {} : { approvalId }),
      checkedAt: now.toISOString(),
    })
    if (outcome.decision !== 'elevation_required') {
      await this.decisions.record(rowOf(outcome))
      return answer(checkId, outcome)
    }
    // filed or used with its row in one transaction (not the group commit): an approval is
    // never used up by a check that is not on record
    const elevation = await this.approvals.resolve(
      auth,
      {
        orgId: auth.orgId,
        agentId: req.agentId,
        sessionId: req.sessionId,
        capability: outcome.capability,
        actionEffect: outcome.effect,
        inputDigest: inputDigest(req.toolInputSummary, req.params),
        actionName: req.toolName,
        action: req.action,
        toolInputSummary: summary,
        checkId,
        rule: outcome.rule,
        reason: outcome.reason,
      },
      policy.approvalWindowSeconds,
      now,
      (e) => rowOf(applyElevation(outcome, e), e.approvalId),
    )
    return answer(checkId, applyElevation(outcome, elevation), elevation.approvalId)
  }
}

function answer(checkId: string, o: CheckOutcome, approvalId?: string): ActionCheckResult {
  return {
    allowed: o.decision === 'allow',
    decision: o.decision,
    elevationRequired: o.decision === 'elevation_required',
    reason: o.reason,
    rule: o.rule,
    confidence: o.confidence,
    checkId,
    ...(approvalId === undefined ? {} : { approvalId }),
    capability: o.capability,
    effect: o.effect,
    effectSource: o.effectSource,
  }
}
