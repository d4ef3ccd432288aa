import type { GuardRule } from '@tessera/contracts'
import {
  type BudgetedResource,
  type CompiledCondition,
  type Condition,
  ConditionTooCostlyError,
  CostMeter,
  DEFAULT_BUDGET,
  InvalidConditionError,
  compileCondition,
  describeCondition,
  evaluate,
} from '@tessera/conditions'
import { CHECK_LIMITS, type OrgPolicy, type PolicyDocument, type Verdict } from '../action/check.ts'
import { normaliseToolGlob } from '../action/tool-capability.ts'

export const DEFAULT_APPROVAL_WINDOW_SECONDS = 300

/** A rule that does not compile; `path` points into its condition (ruleCondition). */
export class InvalidRule extends Error {
  readonly code = 'VALIDATION_ERROR'
  constructor(
    readonly rule: string,
    readonly path: string,
    message: string,
  ) {
    super(`rule ${rule}: ${message}`)
  }
}

/** The rules up to `rule` (in the order written) go over the policy's cost budget. */
export class PolicyTooCostly extends Error {
  readonly code = 'POLICY_TOO_COSTLY'
  constructor(
    readonly rule: string,
    readonly path: string,
    readonly budget: BudgetedResource,
    readonly limit: number,
    readonly used: number,
  ) {
    super(
      `the policy is over its ${budget} budget at rule ${rule} (${used} > ${limit}); ` +
        'see docs/guardian/action-checks.md#policy-budget',
    )
  }
}

/**
 * The longest string (in code points) at a path of a PolicyDocument, where the check request's
 * limits bound it: a pattern over the tool name costs a tenth of one over a parameter. Normalising
 * a tool name at most doubles it (camelCase gains a `_` per capital; `İ` lowercases to `i` and a
 * combining dot, which becomes `_`), and a capability is that or `tool:` and it. A string in
 * `params` is shorter than their JSON.
 */
export function longestPolicyString(path: string): number | undefined {
  const { actionChars, toolNameChars, summaryCodePoints, paramsJsonChars } = CHECK_LIMITS
  switch (path) {
    case '/action':
      return actionChars
    case '/tool':
      return 2 * toolNameChars
    case '/capability':
      return 2 * toolNameChars + 'tool:'.length
    case '/summary':
      return summaryCodePoints
    default:
      return path.startsWith('/params/') ? paramsJsonChars : undefined
  }
}

/** A meter with the policy budget, knowing what a check's document may hold. */
export const policyMeter = (): CostMeter => new CostMeter(DEFAULT_BUDGET, longestPolicyString)

interface CompiledRule {
  name: string
  decision: 'deny' | 'elevation_required'
  match: CompiledCondition
  reason: string
}

/**
 * An org's rules as one condition each: the tool globs, the effects and `when`, all of which
 * must hold. Compiled once per policy version, within one cost budget for the whole policy
 * (DEFAULT_BUDGET of @tessera/conditions); evaluating it allocates nothing but the verdict.
 * Deny rules are tried first, then elevation rules, each in the order the org wrote them.
 * Throws InvalidRule or PolicyTooCostly, naming the rule.
 */
export function compileOrgPolicy(
  policy: { timezone: string; rules: readonly GuardRule[] },
  meter: CostMeter = policyMeter(),
): OrgPolicy {
  const compiled = policy.rules.map((rule) => compileRule(rule, meter))
  const ordered = [
    ...compiled.filter((r) => r.decision === 'deny'),
    ...compiled.filter((r) => r.decision === 'elevation_required'),
  ]
  return {
    timezone: policy.timezone,
    evaluate(doc: PolicyDocument): Verdict | undefined {
      for (const rule of ordered) {
        if (evaluate(rule.match, doc)) {
          return { decision: rule.decision, rule: `policy:${rule.name}`, reason: rule.reason }
        }
      }
      return undefined
    },
  }
}

/**
 * A policy as stored: one set before the cost budget existed may be over it. Compiling that
 * would cost what the budget prevents, so it is not compiled and every check is denied until
 * an admin sets a policy within budget: a guard that cannot run its rules fails closed.
 */
export function compileStoredPolicy(policy: {
  timezone: string
  rules: readonly GuardRule[]
}): OrgPolicy {
  try {
    return compileOrgPolicy(policy)
  } catch (err) {
    if (!(err instanceof PolicyTooCostly)) throw err
    const verdict: Verdict = {
      decision: 'deny',
      rule: 'policy.too_costly',
      reason: `the org's guard policy is over its cost budget (${err.budget}); an admin must set it again`,
    }
    return { timezone: policy.timezone, evaluate: () => verdict }
  }
}

/**
 * The condition a rule stands for; what `when` is evaluated against is a PolicyDocument. Its
 * `/tool` is the normalised name, so the tool globs are normalised the same way; capabilities
 * are lowercase, so capability globs are lowercased.
 */
export function ruleCondition(rule: GuardRule): Condition {
  const parts: Condition[] = []
  const globs = (path: string, patterns: readonly string[]): Condition => ({
    any: patterns.map((pattern) => ({ path, op: 'glob', pattern })),
  })
  if (rule.tools?.length) parts.push(globs('/tool', rule.tools.map(normaliseToolGlob)))
  if (rule.capabilities?.length) {
    parts.push(
      globs(
        '/capability',
        rule.capabilities.map((c) => c.toLowerCase()),
      ),
    )
  }
  if (rule.effects?.length) parts.push({ path: '/effect', op: 'in', values: [...rule.effects] })
  if (rule.when) parts.push(rule.when)
  return { all: parts }
}

function compileRule(rule: GuardRule, meter: CostMeter): CompiledRule {
  return {
    name: rule.name,
    decision: rule.decision,
    match: compileMatch(rule, meter),
    reason: rule.reason ?? defaultReason(rule),
  }
}

function compileMatch(rule: GuardRule, meter: CostMeter): CompiledCondition {
  try {
    return compileCondition(ruleCondition(rule), meter)
  } catch (err) {
    if (err instanceof InvalidConditionError)
      throw new InvalidRule(rule.name, err.path, err.message)
    if (err instanceof ConditionTooCostlyError) {
      throw new PolicyTooCostly(rule.name, err.path, err.budget, err.limit, err.used)
    }
    throw err
  }
}

function defaultReason(rule: GuardRule): string {
  const what = rule.decision === 'deny' ? 'denied' : 'needs approval'
  const on = [
    rule.tools?.length ? `tool ${rule.tools.join(' or ')}` : undefined,
    rule.capabilities?.length ? `capability ${rule.capabilities.join(' or ')}` : undefined,
    rule.effects?.length ? `effect ${rule.effects.join(' or ')}` : undefined,
    rule.when ? `when ${describeCondition(rule.when)}` : undefined,
  ].filter(Boolean)
  return `${what} by org rule ${rule.name}${on.length ? ` (${on.join(', ')})` : ''}`.slice(0, 500)
}
