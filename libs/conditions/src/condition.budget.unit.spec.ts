import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Condition } from '@tessera/contracts'
import {
  type ConditionBudget,
  ConditionTooCostlyError,
  CostMeter,
  DEFAULT_BUDGET,
} from './condition.budget.ts'
import { compileCondition } from './condition.compile.ts'
import { evaluate } from './condition.evaluate.ts'
import { compileRegexWithCost } from './pattern.regex.ts'

const matches = (regex: string, path = '/s'): Condition => ({ path, op: 'matches', regex })
const glob = (pattern: string): Condition => ({ path: '/s', op: 'glob', pattern })
const meter = (over: Partial<ConditionBudget>) => new CostMeter({ ...DEFAULT_BUDGET, ...over })

/** The error compiling throws, or undefined. */
function refusal(compile: () => unknown): ConditionTooCostlyError | undefined {
  try {
    compile()
    return undefined
  } catch (err) {
    if (err instanceof ConditionTooCostlyError) return err
    throw err
  }
}

describe('the cost budget of conditions compiled together', () => {
  it('refuses Unicode-class regexes whose compiled size is over budget, at the first one', () => {
    // issue 9: 900 of these in one policy took seconds to compile and a gigabyte per check
    const letters = { any: Array.from({ length: 900 }, () => matches('\\p{L}{1000}')) }
    const err = refusal(() => compileCondition(letters))
    expect(err).toMatchObject({
      code: 'CONDITION_TOO_COSTLY',
      path: '/any/0/regex',
      budget: 'regexClassRanges',
      limit: DEFAULT_BUDGET.regexClassRanges,
    })
    expect(err!.used).toBeGreaterThan(600_000)
  })

  it('counts across every condition compiled with one meter, and names the node that went over', () => {
    const shared = meter({ regexes: 3 })
    compileCondition({ any: [matches('a'), matches('b')] }, shared)
    expect(shared.used.regexes).toBe(2)
    const err = refusal(() => compileCondition({ all: [matches('c'), matches('d')] }, shared))
    expect(err).toMatchObject({ path: '/all/1/regex', budget: 'regexes', limit: 3, used: 4 })
    // a condition alone gets a fresh meter with the default budget
    expect(refusal(() => compileCondition({ all: [matches('c'), matches('d')] }))).toBeUndefined()
  })

  it.each<[string, Partial<ConditionBudget>, Condition, string]>([
    ['nodes', { nodes: 3 }, { all: [glob('a'), glob('b'), glob('c')] }, '/all/2'],
    ['values', { values: 3 }, { path: '/s', op: 'in', values: [1, 2, 3, 4] }, '/values'],
    ['globLength', { globLength: 5 }, { any: [glob('ab*'), glob('c?é')] }, '/any/1/pattern'],
    ['regexInstructions', { regexInstructions: 20 }, matches('a{30}'), '/regex'],
    ['regexClassRanges', { regexClassRanges: 100 }, matches('\\p{Greek}{3}'), '/regex'],
    [
      'evaluationSteps',
      { evaluationSteps: 4_200 },
      { any: [glob('a*'), glob('b*')] },
      '/any/1/pattern',
    ],
  ])('refuses a condition over its %s budget', (budget, over, condition, path) => {
    expect(refusal(() => compileCondition(condition, meter(over)))).toMatchObject({ budget, path })
  })

  it('accepts a condition exactly at its budget', () => {
    const exact = meter({ nodes: 3, globLength: 6 })
    compileCondition({ all: [glob('ab*'), glob('c?é')] }, exact)
    expect(exact.used).toMatchObject({ nodes: 3, globLength: 6 })
  })

  it('charges evaluation steps: a node and a pointer token each, patterns per character tested', () => {
    const m = new CostMeter()
    compileCondition(
      { all: [glob('ab*'), matches('abc'), { path: '/a/b', op: 'maxLength', value: 9 }] },
      m,
    )
    const instructions = compileRegexWithCost('abc', false, 1024).instructions
    // 4 nodes, 4 pointer tokens; `ab*` is read once (no run after its *: 3 + 1 × 4,096);
    // the regex 4 per instruction per character; maxLength counts 10 code points at most
    expect(m.used.evaluationSteps).toBe(4 + 4 + (3 + 4_096) + instructions * 4 * 4_096 + 10)
  })

  it.each([
    ['db_*', 4 + 1 * 400],
    ['transfer_funds', 14],
    ['*_delete', 8 + 8 * 400],
    ['*a*a*a*b', 8 + 2 * 400],
  ])('charges a glob the runs it may match again after a *: %s', (pattern, steps) => {
    const m = new CostMeter(DEFAULT_BUDGET, (path) => (path === '/tool' ? 400 : undefined))
    compileCondition({ path: '/tool', op: 'glob', pattern }, m)
    expect(m.used.evaluationSteps).toBe(2 + steps) // the node and its pointer token
  })

  // The leaves that cost most per step, over the longest string tested: one check of a policy
  // at the old budgets took tens of ms (bench/policy-budget.bench.ts)
  it.each<[string, Condition]>([
    ['the longest backtracking glob', glob(`*${'a'.repeat(254)}b`)],
    ['a Unicode-class regex that defeats the DFA', matches('\\p{L}{28}\\d')],
    ['a long maxLength', { path: '/s', op: 'maxLength', value: 600_000 }],
  ])('refuses %s over a string of unknown length, under every other budget', (_, condition) => {
    expect(refusal(() => compileCondition(condition))).toMatchObject({
      budget: 'evaluationSteps',
      limit: DEFAULT_BUDGET.evaluationSteps,
    })
  })

  it('accepts the same pattern over a path the caller knows to be short', () => {
    const short = () => new CostMeter(DEFAULT_BUDGET, (path) => (path === '/s' ? 200 : undefined))
    expect(refusal(() => compileCondition(glob(`*${'a'.repeat(254)}b`), short()))).toBeUndefined()
    expect(refusal(() => compileCondition(matches('\\p{L}{28}\\d'), short()))).toBeUndefined()
  })

  it('accepts a policy just under its evaluation steps, and refuses one just over', () => {
    // `*a{k}b` costs k + 2 + (k + 2) × 4,096 steps, plus 2 for its node and pointer
    const k = Math.floor((DEFAULT_BUDGET.evaluationSteps - 2) / 4_097) - 2
    const under = new CostMeter()
    compileCondition(glob(`*${'a'.repeat(k)}b`), under)
    expect(DEFAULT_BUDGET.evaluationSteps - under.used.evaluationSteps).toBeLessThan(4_097)
    expect(refusal(() => compileCondition(glob(`*${'a'.repeat(k + 1)}b`)))).toMatchObject({
      path: '/pattern',
      budget: 'evaluationSteps',
      limit: DEFAULT_BUDGET.evaluationSteps,
      used: under.used.evaluationSteps + 4_097,
    })
  })

  it('measures a regex: program size, and class ranges that Unicode classes blow up', () => {
    const ascii = compileRegexWithCost('[a-z]+', false, 1024)
    const letters = compileRegexWithCost('\\p{L}', false, 1024)
    expect(ascii.instructions).toBeGreaterThan(0)
    expect(ascii.classRanges).toBe(1)
    expect(letters.classRanges).toBeGreaterThan(500)
  })

  it('matches the same with a DFA cache too small for one state (re2js falls back to its NFA)', () => {
    const patterns = ['\\p{L}{3,}x', '(?i)drop\\s+table', '^(a|b)*c$', '.{0,20}x', '\\bab\\b']
    const text = fc.string({ unit: fc.constantFrom(...'abcxé DROPtable'.split('')), maxLength: 60 })
    fc.assert(
      fc.property(fc.constantFrom(...patterns), text, (regex, s) => {
        // steps are not what this is about: `.{0,20}x` is over them at 4,096 characters
        const steps = Number.POSITIVE_INFINITY
        const tiny = meter({ dfaBytesPerRegex: 1, evaluationSteps: steps })
        const roomy = meter({ evaluationSteps: steps })
        const [a, b] = [
          compileCondition(matches(regex), tiny),
          compileCondition(matches(regex), roomy),
        ]
        return evaluate(a, { s }) === evaluate(b, { s })
      }),
      { numRuns: 500 },
    )
  })
})
