import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileCondition as compileBudgeted } from './condition.compile.ts'
import { CostMeter, DEFAULT_BUDGET } from './condition.budget.ts'
import { describeCondition } from './condition.describe.ts'
import { evaluate, explain } from './condition.evaluate.ts'
import { Condition, type LeafCondition } from '@tessera/contracts'

// The laws are about what conditions mean, not what they cost: with the default budget, a
// generated pair of nested conditions full of regexes can be refused at compile time (one CI run
// drew one whose not(all(a, b)) needed 327,694 steps of 300,000), which says nothing of the laws.
// condition.budget.unit.spec.ts tests the budget.
const LAWS_BUDGET = { ...DEFAULT_BUDGET, evaluationSteps: Number.MAX_SAFE_INTEGER }
const compileCondition = (c: Condition) => compileBudgeted(c, new CostMeter(LAWS_BUDGET))

// Small worlds, so that generated conditions and documents actually meet: a few paths, a few
// values, and documents built over the same keys.
const path = fc.constantFrom('', '/a', '/a/b', '/list/0', '/list/1', '/n', '/s', '/x~1y')
const number = fc.integer({ min: -3, max: 3 })
const text = fc.constantFrom('', 'a', 'b', 'ab', '😀', 'A')
const scalar = fc.oneof(number, text, fc.boolean(), fc.constant(null))

const leaf: fc.Arbitrary<LeafCondition> = fc.oneof(
  fc.record({
    path,
    op: fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte'),
    value: fc.oneof(number, text),
  }),
  fc.record({
    path,
    op: fc.constantFrom('in', 'notIn'),
    values: fc.array(scalar, { maxLength: 4 }),
  }),
  fc
    .record({ path, op: fc.constant('between'), min: number, max: number })
    .map((l) => ({ ...l, min: Math.min(l.min, l.max), max: Math.max(l.min, l.max) })),
  fc.record(
    {
      path,
      op: fc.constant('matches'),
      regex: fc.constantFrom('^a', 'b$', '\\d', '^$', 'a|😀'),
      flags: fc.constant('i'),
    },
    { requiredKeys: ['path', 'op', 'regex'] },
  ),
  fc.record({ path, op: fc.constant('glob'), pattern: fc.constantFrom('*', 'a*', '?', '', '*b') }),
  fc.record({ path, op: fc.constant('maxLength'), value: fc.nat(3) }),
  fc.record({ path, op: fc.constantFrom('exists', 'absent') }),
)

const { condition } = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('condition'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('condition'), { maxLength: 3 }) }),
    fc.record({ not: tie('condition') }),
  ),
}))

const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.constantFrom(NaN, Infinity))
const doc = fc.oneof(
  fc.record(
    {
      a: fc.oneof(value, fc.record({ b: value }, { requiredKeys: [] })),
      list: fc.array(value, { maxLength: 3 }),
      n: value,
      s: value,
      'x/y': value,
    },
    { requiredKeys: [] },
  ),
  value,
)

const same = (a: Condition, b: Condition, d: unknown) =>
  evaluate(compileCondition(a), d) === evaluate(compileCondition(b), d)

describe('condition laws', () => {
  it('generated conditions are valid by the schema', () => {
    fc.assert(
      fc.property(condition, (c) => {
        expect(Condition.safeParse(c).error).toBeUndefined()
      }),
    )
  })

  it('not(not c) ≡ c', () => {
    fc.assert(fc.property(condition, doc, (c, d) => same({ not: { not: c } }, c, d)))
  })

  it('all([]) holds, any([]) does not, and all([c]) ≡ any([c]) ≡ c', () => {
    fc.assert(
      fc.property(condition, doc, (c, d) => {
        expect(evaluate(compileCondition({ all: [] }), d)).toBe(true)
        expect(evaluate(compileCondition({ any: [] }), d)).toBe(false)
        return same({ all: [c] }, c, d) && same({ any: [c] }, c, d)
      }),
    )
  })

  it('De Morgan: not(all(a, b)) ≡ any(not a, not b), and not(any(a, b)) ≡ all(not a, not b)', () => {
    fc.assert(
      fc.property(condition, condition, doc, (a, b, d) => {
        const notAll = same({ not: { all: [a, b] } }, { any: [{ not: a }, { not: b }] }, d)
        const notAny = same({ not: { any: [a, b] } }, { all: [{ not: a }, { not: b }] }, d)
        return notAll && notAny
      }),
    )
  })

  it('a missing path makes every leaf but absent false', () => {
    fc.assert(
      fc.property(leaf, (l) => {
        const onMissing = evaluate(compileCondition({ ...l, path: '/nowhere' }), {})
        expect(onMissing).toBe(l.op === 'absent')
      }),
    )
  })

  it('notIn is in negated, for present JSON scalars only', () => {
    fc.assert(
      fc.property(fc.array(scalar, { maxLength: 4 }), doc, (values, d) => {
        const notIn = evaluate(compileCondition({ path: '/n', op: 'notIn', values }), d)
        const isIn = evaluate(compileCondition({ path: '/n', op: 'in', values }), d)
        const n = (d as { n?: unknown } | null)?.n
        const scalarThere =
          typeof d === 'object' &&
          d !== null &&
          !Array.isArray(d) &&
          Object.hasOwn(d, 'n') &&
          (typeof n === 'string' || typeof n === 'boolean' || n === null || Number.isFinite(n))
        expect(notIn).toBe(scalarThere && !isIn)
      }),
    )
  })

  it('explain agrees with evaluate, and names a node of the condition', () => {
    fc.assert(
      fc.property(condition, doc, (c, d) => {
        const compiled = compileCondition(c)
        const explained = explain(compiled, d)
        expect(explained.result).toBe(evaluate(compiled, d))
        const tokens = explained.decidedBy.split('/').slice(1)
        const node = tokens.reduce<unknown>(
          (at, token) => (at as Record<string, unknown>)[token],
          c,
        )
        expect(describeCondition(node as Condition)).toBe(explained.description)
      }),
    )
  })

  it('evaluate never throws, whatever the document', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withObjectString: true,
      withSet: true,
      withSparseArray: true,
      withTypedArray: true,
      key: fc.constantFrom('a', 'b', 'list', '0', '1', 'n', 's', 'x/y', '__proto__'),
    })
    fc.assert(
      fc.property(condition, anything, (c, d) => {
        const compiled = compileCondition(c)
        expect(() => evaluate(compiled, d)).not.toThrow()
        expect(() => explain(compiled, d)).not.toThrow()
      }),
    )
  })
})
