import { describe, expect, it } from 'vitest'
import { compileCondition } from './condition.compile.ts'
import { evaluate } from './condition.evaluate.ts'
import { MAX_TESTED_LENGTH } from '@tessera/contracts'
import type { Condition, LeafCondition } from '@tessera/contracts'

const holds = (condition: Condition, doc: unknown) => evaluate(compileCondition(condition), doc)
type WithoutPath<T> = T extends unknown ? Omit<T, 'path'> : never
/** The leaf at /v, applied to each value in turn. */
const at = (leaf: WithoutPath<LeafCondition>) => (value: unknown) =>
  holds({ path: '/v', ...leaf }, value === MISSING ? {} : { v: value })
const MISSING = Symbol('missing')

describe('comparisons', () => {
  it('compare numbers with numbers and strings with strings, never across', () => {
    expect([5, 5.0, 6, '5', MISSING].map(at({ op: 'eq', value: 5 }))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ])
    expect([6, 5, '6', null, MISSING].map(at({ op: 'ne', value: 5 }))).toEqual([
      true,
      false,
      false,
      false,
      false,
    ])
    expect(['b', 'a', 'B', 1].map(at({ op: 'eq', value: 'b' }))).toEqual([
      true,
      false,
      false,
      false,
    ])
    expect(['a', 'b', 1].map(at({ op: 'ne', value: 'b' }))).toEqual([true, false, false])
  })

  it.each([
    ['lt', [false, false, true]],
    ['lte', [false, true, true]],
    ['gt', [true, false, false]],
    ['gte', [true, true, false]],
  ] as const)('%s orders numbers and strings (UTF-16 order)', (op, expected) => {
    expect([501, 500, 499].map(at({ op, value: 500 }))).toEqual(expected)
    expect(['2026-02-01', '2026-01-31', '2026-01-30'].map(at({ op, value: '2026-01-31' }))).toEqual(
      expected,
    )
    expect(['600', true, null, [501], { n: 501 }, MISSING].map(at({ op, value: 500 }))).toEqual(
      Array(6).fill(false),
    )
    expect([600, '501'].map(at({ op, value: '500' }))).toEqual([false, op.startsWith('g')])
  })

  it('never lets NaN or ±Infinity match, whichever way the comparison points', () => {
    for (const value of [NaN, Infinity, -Infinity]) {
      for (const op of ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'] as const) {
        expect(at({ op, value: 0 })(value), `${value} ${op} 0`).toBe(false)
      }
      expect(at({ op: 'between', min: -1e308, max: 1e308 })(value)).toBe(false)
      expect(at({ op: 'in', values: [0] })(value)).toBe(false)
      expect(at({ op: 'notIn', values: [0] })(value)).toBe(false)
    }
  })

  it('between is inclusive, on numbers only', () => {
    expect(
      [8.99, 9, 12, 16, 16.01, '12', MISSING].map(at({ op: 'between', min: 9, max: 16 })),
    ).toEqual([false, true, true, true, false, false, false])
  })
})

describe('membership', () => {
  const allowlist = ['acc_1', 7, true, null]

  it('in is strict equality on JSON scalars', () => {
    const inList = at({ op: 'in', values: allowlist })
    expect(['acc_1', 7, true, null].map(inList)).toEqual([true, true, true, true])
    expect(['ACC_1', '7', 'true', 1, false, 'null', 0, MISSING, [7], {}].map(inList)).toEqual(
      Array(10).fill(false),
    )
    expect(at({ op: 'in', values: [0] })(-0)).toBe(true)
  })

  it('notIn holds for a present scalar outside the list, and never for a missing path', () => {
    const notInList = at({ op: 'notIn', values: allowlist })
    expect(['acc_2', '7', false, 8].map(notInList)).toEqual([true, true, true, true])
    expect(['acc_1', 7, null, MISSING, [1], { a: 1 }].map(notInList)).toEqual(Array(6).fill(false))
    // "missing or not in the list" is written with not/in
    expect(holds({ not: { path: '/v', op: 'in', values: allowlist } }, {})).toBe(true)
  })
})

describe('patterns and lengths', () => {
  it('matches searches a string with the regex; i folds ASCII case', () => {
    const drop = at({ op: 'matches', regex: '\\bdrop\\s+table\\b', flags: 'i' })
    expect(['x; DROP  TABLE users', 'drop table', 'dropped tables', 42, MISSING].map(drop)).toEqual(
      [true, true, false, false, false],
    )
  })

  it(`does not test strings over ${MAX_TESTED_LENGTH} UTF-16 units: they do not match`, () => {
    const drop = at({ op: 'matches', regex: 'drop' })
    const glob = at({ op: 'glob', pattern: 'drop*' })
    const fits = 'drop'.padEnd(MAX_TESTED_LENGTH, ' ')
    expect([drop(fits), glob(fits)]).toEqual([true, true])
    expect([drop(`${fits} `), glob(`${fits} `)]).toEqual([false, false])
  })

  it('glob matches the whole string with * and ?', () => {
    const db = at({ op: 'glob', pattern: 'db_*' })
    expect(['db_drop', 'db_', 'xdb_drop', 'DB_DROP', ['db_x'], MISSING].map(db)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ])
  })

  it('maxLength counts code points in strings and elements in arrays', () => {
    const two = at({ op: 'maxLength', value: 2 })
    expect(['ab', '😀😀', 'é', '😀😀😀', 'abc', [1, 2], [1, 2, 3], 12, MISSING].map(two)).toEqual([
      true,
      true,
      true,
      false,
      false,
      true,
      false,
      false,
      false,
    ])
    expect(at({ op: 'maxLength', value: 0 })('')).toBe(true)
    expect(at({ op: 'maxLength', value: 1 })('\ud800')).toBe(true) // a lone surrogate counts once
  })
})

describe('presence', () => {
  it('exists holds for any present value, null included; absent is its opposite', () => {
    const values = [0, '', null, false, [], {}, MISSING, undefined]
    expect(values.map(at({ op: 'exists' }))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ])
    expect(values.map(at({ op: 'absent' }))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ])
  })

  it('follows escaped keys and array indices', () => {
    const doc = { 'a/b': { 'c~d': ['x', { e: 1 }] } }
    expect(holds({ path: '/a~1b/c~0d/1/e', op: 'eq', value: 1 }, doc)).toBe(true)
    expect(holds({ path: '/a~1b/c~0d/0', op: 'eq', value: 'x' }, doc)).toBe(true)
    expect(holds({ path: '/a~1b/c~0d/2', op: 'exists' }, doc)).toBe(false)
    expect(holds({ path: '', op: 'maxLength', value: 3 }, 'abc')).toBe(true)
  })
})

describe('combinators', () => {
  const big = { path: '/params/amount', op: 'gt', value: 500 } as const
  const transfer = { path: '/tool', op: 'eq', value: 'transfer_funds' } as const
  const doc = { tool: 'transfer_funds', params: { amount: 700 } }

  it('all, any and not', () => {
    expect(holds({ all: [transfer, big] }, doc)).toBe(true)
    expect(holds({ all: [transfer, { not: big }] }, doc)).toBe(false)
    expect(holds({ any: [{ not: transfer }, { not: big }] }, doc)).toBe(false)
    expect(holds({ any: [{ not: transfer }, big] }, doc)).toBe(true)
    expect(holds({ all: [] }, doc)).toBe(true)
    expect(holds({ any: [] }, doc)).toBe(false)
  })

  it('makes not of a comparison on a missing path true', () => {
    expect(holds({ not: big }, { tool: 'transfer_funds' })).toBe(true)
    expect(holds({ not: { path: '/params/amount', op: 'lte', value: 500 } }, {})).toBe(true)
  })
})
