import {
  ACTION_CHECK_LIMITS,
  type ActionEffect,
  type CheckDecision,
  type SessionMode,
} from '@tessera/contracts'
import { covers } from '../token/token.decider.ts'
import { type EffectUsed, effectFor } from './effect-classifier.ts'
import { type PactFacts, pactRefusal } from './pact-binding.ts'
import { capabilityFor, normaliseToolName } from './tool-capability.ts'

/**
 * What a check request may hold, as POST /v1/actions/check enforces it (the contract's body).
 * The policy budget counts on them: a pattern over a short field costs less (longestPolicyString).
 */
export const CHECK_LIMITS = ACTION_CHECK_LIMITS

/** "May this agent do this, now?", as the caller asks it. */
export interface CheckRequest {
  agentId: string
  action: string
  toolName: string
  toolInputSummary?: string | undefined
  sessionId?: string | undefined
  actionEffect?: ActionEffect | undefined
  /** The call's parameters, for org rules such as `params.amount > 500`; never stored. */
  params?: Record<string, unknown> | undefined
  /** The pact the call is made under: its param bindings apply to `params`. */
  pactId?: string | undefined
}

export interface AgentFacts {
  agentId: string
  orgId: string
  status: 'active' | 'revoked'
  capabilities: readonly string[]
}

export interface SessionFacts {
  sessionId: string
  agentId: string
  status: 'active' | 'closed'
  mode: SessionMode
  scopeCeiling: readonly string[]
  /** Set for a session opened from a delegation: its ceiling is the delegated scope. */
  delegationId: string | null
  expiresAt: Date | null
}

/** What org policy rules see: one document per check (see docs/guardian/action-checks.md). */
export interface PolicyDocument {
  agent: { id: string; capabilities: readonly string[] }
  action: string
  /** The normalised name (`normaliseToolName`): `transferFunds` is `transfer_funds`. */
  tool: string
  capability: string
  effect: ActionEffect
  summary: string | null
  params: Record<string, unknown>
  session: { id: string; mode: SessionMode; delegated: boolean } | null
  /** The org's local time, in its policy's time zone. */
  time: { hour: number; minute: number; weekday: number; date: string }
}

export interface Verdict {
  decision: CheckDecision
  reason: string
  rule: string
}

/** An org's rules, compiled once per version; the first deny, else the first elevation, wins. */
export interface OrgPolicy {
  readonly timezone: string
  evaluate(doc: PolicyDocument): Verdict | undefined
}

export interface CheckOutcome extends Verdict, EffectUsed {
  capability: string
}

export class CheckedAgentNotFound extends Error {
  readonly code = 'NOT_FOUND'
}
export class CheckedSessionNotFound extends Error {
  readonly code = 'NOT_FOUND'
}

/**
 * The decision, in a fixed order: the agent, the session, the capability (and the session's
 * ceiling), the pact's param bindings (when the call names a pact), the org's rules, then
 * supervised mode. The first rule that refuses decides; an allow names the capability rule
 * that let it through. `pact` is what guardian holds for `req.pactId` (null: nothing).
 */
export function decideCheck(
  req: CheckRequest,
  agent: AgentFacts | undefined,
  session: SessionFacts | undefined,
  policy: OrgPolicy,
  now: Date,
  pact: PactFacts | null = null,
): CheckOutcome {
  if (!agent) throw new CheckedAgentNotFound(`agent ${req.agentId} not found`)
  if (req.sessionId !== undefined && !session) {
    throw new CheckedSessionNotFound(`session ${req.sessionId} not found`)
  }
  const capability = capabilityFor(req.toolName)
  // a declared effect may raise the classified one, never lower it
  const used = effectFor(req.toolName, req.actionEffect)
  const effect = used.effect
  const outcome = (v: Verdict): CheckOutcome => ({ ...v, capability, ...used })
  const refused = refusal(agent, session, capability, now)
  if (refused) return outcome({ decision: 'deny', ...refused })
  if (req.pactId !== undefined) {
    const call = { ...req, pactId: req.pactId, orgId: agent.orgId }
    const broken = pactRefusal(call, pact)
    if (broken) return outcome({ decision: 'deny', ...broken })
  }

  const ruled = policy.evaluate(
    policyDocument(req, agent, session, capability, effect, policy, now),
  )
  if (ruled) return outcome(ruled)

  if (session?.mode === 'supervised' && (effect === 'destructive' || effect === 'admin')) {
    return outcome({
      decision: 'elevation_required',
      rule: 'session.supervised',
      reason: `a ${effect} action in a supervised session needs approval`,
    })
  }
  return outcome({
    decision: 'allow',
    rule: session?.delegationId ? 'delegation.scope' : 'agent.capabilities',
    reason: `${capability} is within the ${session?.delegationId ? "delegation's scope" : "agent's capabilities"}`,
  })
}

function refusal(
  agent: AgentFacts,
  session: SessionFacts | undefined,
  capability: string,
  now: Date,
): Omit<Verdict, 'decision'> | undefined {
  if (agent.status !== 'active') return { rule: 'agent.revoked', reason: 'the agent is revoked' }
  if (session) {
    if (session.agentId !== agent.agentId) {
      return { rule: 'session.agent_mismatch', reason: 'the session belongs to another agent' }
    }
    if (session.status !== 'active')
      return { rule: 'session.closed', reason: 'the session is closed' }
    if (session.expiresAt && session.expiresAt <= now) {
      return { rule: 'session.expired', reason: 'the session (and its delegation) has expired' }
    }
    if (session.delegationId) {
      // a delegated session may use what was delegated, even beyond the agent's own capabilities
      return covers(session.scopeCeiling, capability)
        ? undefined
        : { rule: 'delegation.scope', reason: `${capability} is outside the delegated scope` }
    }
  }
  if (!covers(agent.capabilities, capability)) {
    return { rule: 'agent.capabilities', reason: `the agent does not hold ${capability}` }
  }
  // open sessions may use all the agent holds; the others stay under their ceiling
  if (session && session.mode !== 'open' && !covers(session.scopeCeiling, capability)) {
    return {
      rule: 'session.scope_ceiling',
      reason: `${capability} is above the session's scope ceiling`,
    }
  }
  return undefined
}

function policyDocument(
  req: CheckRequest,
  agent: AgentFacts,
  session: SessionFacts | undefined,
  capability: string,
  effect: ActionEffect,
  policy: OrgPolicy,
  now: Date,
): PolicyDocument {
  return {
    agent: { id: agent.agentId, capabilities: agent.capabilities },
    action: req.action,
    tool: normaliseToolName(req.toolName),
    capability,
    effect,
    summary: req.toolInputSummary ?? null,
    params: req.params ?? {},
    session: session
      ? { id: session.sessionId, mode: session.mode, delegated: session.delegationId !== null }
      : null,
    time: localTime(now, policy.timezone),
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>()
/** The last answer per zone, for the minute it holds: formatting costs microseconds per check. */
const lastMinute = new Map<string, { minute: number; time: PolicyDocument['time'] }>()

/** Wall-clock time in `timeZone`; weekday 1 = Monday … 7 = Sunday (ISO 8601). */
export function localTime(now: Date, timeZone: string): PolicyDocument['time'] {
  const minute = Math.floor(now.getTime() / 60_000)
  const last = lastMinute.get(timeZone)
  if (last?.minute === minute) return last.time
  const time = formatLocalTime(now, timeZone)
  if (lastMinute.size > 1_000) lastMinute.clear()
  lastMinute.set(timeZone, { minute, time })
  return time
}

function formatLocalTime(now: Date, timeZone: string): PolicyDocument['time'] {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    })
    formatters.set(timeZone, f)
  }
  const parts: Record<string, string> = {}
  for (const p of f.formatToParts(now)) parts[p.type] = p.value
  return {
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    weekday: WEEKDAYS.indexOf(parts['weekday'] ?? '') + 1,
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
  }
}
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
