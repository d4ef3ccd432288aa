import type { GuardRule } from '@tessera/contracts'
import {
  type CompiledCondition,
  type Condition,
  compileCondition,
  describeCondition,
  evaluate,
} from '@tessera/conditions'
import type { OrgPolicy, PolicyDocument, Verdict } from '../action/check.ts'
import { normaliseToolGlob } from '../action/tool-capability.ts'

export const DEFAULT_APPROVAL_WINDOW_SECONDS = 300

interface CompiledRule {
  name: string
  decision: 'deny' | 'elevation_required'
  match: CompiledCondition
  reason: string
}

/**
 * An org's rules as one condition each: the tool globs, the effects and `when`, all of which
 * must hold. Compiled once per policy version; evaluating it allocates nothing but the verdict.
 * Deny rules are tried first, then elevation rules, each in the order the org wrote them.
 */
export function compileOrgPolicy(policy: {
  timezone: string
  rules: readonly GuardRule[]
}): OrgPolicy {
  const compiled = policy.rules.map(compileRule)
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

function compileRule(rule: GuardRule): CompiledRule {
  const condition = ruleCondition(rule)
  return {
    name: rule.name,
    decision: rule.decision,
    match: compileCondition(condition),
    reason: rule.reason ?? defaultReason(rule),
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
