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
  ])('refuses a condition over its %s budget', (budget, over, condition, path) => {
    expect(refusal(() => compileCondition(condition, meter(over)))).toMatchObject({ budget, path })
  })

  it('accepts a condition exactly at its budget', () => {
    const exact = meter({ nodes: 3, globLength: 6 })
    compileCondition({ all: [glob('ab*'), glob('c?é')] }, exact)
    expect(exact.used).toMatchObject({ nodes: 3, globLength: 6 })
  })

  it('bounds the worst-case evaluation steps by what was charged', () => {
    const m = new CostMeter()
    compileCondition({ all: [glob('ab*'), matches('abc')] }, m)
    const { nodes, values, globLength, regexInstructions } = m.used
    expect(m.worstCaseSteps()).toBe(nodes + values + (globLength + regexInstructions) * 4_096)
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
        const tiny = compileCondition(matches(regex), meter({ dfaBytesPerRegex: 1 }))
        const roomy = compileCondition(matches(regex))
        return evaluate(tiny, { s }) === evaluate(roomy, { s })
      }),
      { numRuns: 500 },
    )
  })
})
