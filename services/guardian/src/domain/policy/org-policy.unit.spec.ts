import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { GuardRule } from '@tessera/contracts'
import { type AgentFacts, CHECK_LIMITS, type PolicyDocument, decideCheck } from '../action/check.ts'
import { capabilityFor } from '../action/tool-capability.ts'
import {
  PolicyTooCostly,
  compileOrgPolicy,
  compileStoredPolicy,
  longestPolicyString,
} from './org-policy.ts'
import { TRANSFER_FUNDS_SPELLINGS } from '../../testing/tool-spellings.ts'

const agentId = 'agt_0123456789abcdefghjkmnpqrs'
const now = new Date('2026-11-21T10:00:00.000Z')
const agentHolding = (capabilities: string[]): AgentFacts => ({
  agentId,
  orgId: 'org_0123456789abcdefghjkmnpqrs',
  status: 'active',
  capabilities,
})
const policyOf = (rules: GuardRule[]) => compileOrgPolicy({ timezone: 'UTC', rules })

/** What a check answers, for the tool spelled `toolName`. */
function decisionFor(toolName: string, rules: GuardRule[], capabilities: string[]) {
  const { decision, rule } = decideCheck(
    { agentId, action: 'tool_call', toolName },
    agentHolding(capabilities),
    undefined,
    policyOf(rules),
    now,
  )
  return { decision, rule }
}

// Words of a tool name, each spelled lower, UPPER or Title, joined by a separator or by a
// camelCase boundary: `transfer_funds`, `Transfer.Funds`, `transferFunds`, `TRANSFER FUNDS`.
const word = fc.stringMatching(/^[a-z]{1,6}[0-9]{0,2}$/)
const style = fc.constantFrom('lower', 'upper', 'title')
const gap = fc.constantFrom('_', '-', '.', '/', ' ', ':', '__', ' - ', 'camel')
type Style = 'lower' | 'upper' | 'title'
const styled = (w: string, s: Style) =>
  s === 'upper' ? w.toUpperCase() : s === 'title' ? w[0]!.toUpperCase() + w.slice(1) : w

/**
 * One spelling of `words`. A camel gap is a lower→Upper boundary, so it titles the next word,
 * and needs the text before it to end in a-z or 0-9 (else it is `_`).
 */
const spelling = (words: readonly string[]) =>
  fc
    .tuple(
      fc.array(style, { minLength: words.length, maxLength: words.length }),
      fc.array(gap, { minLength: words.length, maxLength: words.length }),
    )
    .map(([styles, gaps]) => {
      let name = ''
      words.forEach((w, i) => {
        const camel = i > 0 && gaps[i] === 'camel' && /[a-z0-9]$/.test(name)
        const text = styled(w, camel ? 'title' : styles[i]!)
        name += i === 0 || camel ? text : `${gaps[i] === 'camel' ? '_' : gaps[i]}${text}`
      })
      return name
    })

const wordsAndSpellings = fc
  .array(word, { minLength: 2, maxLength: 4 })
  .chain((words) => fc.tuple(fc.constant(words), spelling(words), spelling(words), spelling(words)))

describe('org rules and the spelling of a tool name', () => {
  it.each(TRANSFER_FUNDS_SPELLINGS)('deny %j under a deny rule on transfer_funds', (toolName) => {
    const rules: GuardRule[] = [
      { name: 'no-transfers', decision: 'deny', tools: ['transfer_funds'] },
    ]
    expect(decisionFor(toolName, rules, ['transfer:funds'])).toEqual({
      decision: 'deny',
      rule: 'policy:no-transfers',
    })
  })

  it('give every spelling that maps to one capability one decision', () => {
    fc.assert(
      fc.property(wordsAndSpellings, ([, one, other, ruled]) => {
        fc.pre(capabilityFor(one) === capabilityFor(other))
        const capabilities = [capabilityFor(one)]
        for (const rules of [
          [], // the agent's capabilities decide alone
          [{ name: 'by-tool', decision: 'deny', tools: [ruled] }],
          [
            {
              name: 'by-prefix',
              decision: 'elevation_required',
              tools: [`${ruled.slice(0, -1)}*`],
            },
          ],
          [{ name: 'by-capability', decision: 'deny', capabilities: [capabilityFor(ruled)] }],
        ] satisfies GuardRule[][]) {
          expect(decisionFor(one, rules, capabilities)).toEqual(
            decisionFor(other, rules, capabilities),
          )
        }
      }),
      { numRuns: 1_000 },
    )
  })

  it('match a rule written in any spelling against a tool in any other', () => {
    fc.assert(
      fc.property(wordsAndSpellings, ([, one, , ruled]) => {
        const rules: GuardRule[] = [{ name: 'by-tool', decision: 'deny', tools: [ruled] }]
        // the agent holds everything, so only the rule can refuse
        expect(decisionFor(one, rules, [capabilityFor(one)])).toEqual({
          decision: 'deny',
          rule: 'policy:by-tool',
        })
      }),
      { numRuns: 1_000 },
    )
  })

  it('match capability globs however they are cased', () => {
    const rules: GuardRule[] = [
      { name: 'payments', decision: 'deny', capabilities: ['Payments:*'] },
    ]
    expect(decisionFor('paymentsRefund', rules, ['payments:*']).rule).toBe('policy:payments')
    expect(decisionFor('web_search', rules, ['web:*']).rule).toBe('agent.capabilities')
  })
})

describe('the cost budget of a policy', () => {
  const letters = (name: string, n: number): GuardRule => ({
    name,
    decision: 'deny',
    when: {
      any: Array.from({ length: n }, () => ({
        path: '/summary',
        op: 'matches',
        regex: '\\p{L}{9}',
      })),
    },
  })

  it('is shared by all rules: the rule that goes over is named', () => {
    // each \p{L}{9} costs about 6,200 class ranges: three fit in 20,000, four do not
    expect(() => policyOf([letters('one', 1), letters('two', 2)])).not.toThrow()
    const err = (() => {
      try {
        policyOf([letters('one', 1), letters('two', 2), letters('three', 1)])
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(PolicyTooCostly)
    expect(err).toMatchObject({
      code: 'POLICY_TOO_COSTLY',
      rule: 'three',
      budget: 'regexClassRanges',
      limit: 20_000,
    })
  })

  it('denies every check under a stored policy over budget, rather than compile it', () => {
    const stored = compileStoredPolicy({
      timezone: 'UTC',
      rules: [letters('one', 1), letters('two', 3)],
    })
    const { decision, rule } = decideCheck(
      { agentId, action: 'tool_call', toolName: 'web_search' },
      agentHolding(['web:search']),
      undefined,
      stored,
      now,
    )
    expect({ decision, rule }).toEqual({ decision: 'deny', rule: 'policy.too_costly' })
  })

  const costly = (name: string, path: string): GuardRule => ({
    name,
    decision: 'deny',
    when: { path, op: 'matches', regex: '(?i)\\bdrop\\s+table\\b' },
  })

  it('charges a pattern by the longest string it can meet: a parameter, or the summary', () => {
    // 15 instructions × 4 steps × 4,096 characters: one fits in 300,000 steps, two do not
    const overParams = ['a', 'b'].map((name) => costly(name, '/params/query'))
    expect(() => policyOf(overParams.slice(0, 1))).not.toThrow()
    expect(() => policyOf(overParams)).toThrow(
      expect.objectContaining({ rule: 'b', budget: 'evaluationSteps', limit: 300_000 }),
    )
    // the summary is at most 200 code points: 12,000 steps each
    const overSummary = ['a', 'b', 'c'].map((name) => costly(name, '/summary'))
    expect(() => policyOf(overSummary)).not.toThrow()
  })

  it('knows how long the strings of a check document can be', () => {
    const unit = fc.constantFrom('a', 'B', '7', 'İ', 'K', 'é', '-', ' ', '_', ':')
    const doc = (toolName: string, summary: string) => {
      let seen: PolicyDocument | undefined
      const spy = { timezone: 'UTC', evaluate: (d: PolicyDocument) => void (seen = d) }
      decideCheck(
        {
          agentId,
          action: 'x'.repeat(CHECK_LIMITS.actionChars),
          toolName,
          toolInputSummary: summary,
        },
        agentHolding([capabilityFor(toolName)]),
        undefined,
        spy,
        now,
      )
      return seen!
    }
    const within = (d: PolicyDocument) =>
      (['action', 'tool', 'capability', 'summary'] as const).every(
        (key) => Array.from(d[key] ?? '').length <= longestPolicyString(`/${key}`)!,
      )
    // İ lowercases to i and a combining dot: the normalised name is `i_i_…`, twice as long
    expect(doc('İ'.repeat(200), '').tool).toHaveLength(399)
    expect(within(doc('İ'.repeat(200), 'é'.repeat(200)))).toBe(true)
    fc.assert(
      fc.property(
        fc.string({ unit, minLength: 1, maxLength: CHECK_LIMITS.toolNameChars }),
        fc.string({ unit, maxLength: CHECK_LIMITS.summaryCodePoints }),
        (toolName, summary) => within(doc(toolName, summary)),
      ),
      { numRuns: 300 },
    )
  })
})
