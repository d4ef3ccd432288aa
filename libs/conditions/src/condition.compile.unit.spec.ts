import { describe, expect, it } from 'vitest'
import { compileCondition } from './condition.compile.ts'
import { InvalidConditionError } from './condition.errors.ts'
import { evaluate, explain } from './condition.evaluate.ts'
import type { Condition, LeafCondition } from '@tessera/contracts'

describe('explain', () => {
  const condition: Condition = {
    all: [
      { path: '/tool', op: 'glob', pattern: 'db_*' },
      {
        any: [
          { not: { path: '/time/hour', op: 'between', min: 9, max: 16 } },
          { path: '/time/weekday', op: 'gt', value: 5 },
        ],
      },
    ],
  }
  const compiled = compileCondition(condition)

  it.each([
    [{ tool: 'transfer_funds' }, false, '/all/0', 'tool matches "db_*"', false],
    [
      { tool: 'db_drop', time: { hour: 20, weekday: 2 } },
      true,
      '',
      'tool matches "db_*" and (not (time.hour between 9 and 16) or time.weekday > 5)',
      true,
    ],
    [
      { tool: 'db_drop', time: { hour: 10, weekday: 2 } },
      false,
      '/all/1',
      'not (time.hour between 9 and 16) or time.weekday > 5',
      false,
    ],
  ])('on %j says %s, decided by %j', (doc, result, decidedBy, description, held) => {
    expect(explain(compiled, doc)).toEqual({ result, decidedBy, description, held })
    expect(evaluate(compiled, doc)).toBe(result)
  })

  it('points through not to the leaf that decided, with what that leaf gave', () => {
    const under = compileCondition({
      any: [{ path: '/a', op: 'exists' }, { not: { path: '/b', op: 'eq', value: 1 } }],
    })
    expect(explain(under, { b: 2 })).toEqual({
      result: true,
      decidedBy: '/any/1/not',
      description: 'b == 1',
      held: false,
    })
  })
})

describe('compileCondition', () => {
  it('throws INVALID_CONDITION with a pointer to the offending node', () => {
    const attempt = (condition: unknown) => {
      try {
        compileCondition(condition as Condition)
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidConditionError)
        const { code, path, message } = err as InvalidConditionError
        return { code, path, message }
      }
      throw new Error('compiled')
    }
    expect(
      attempt({
        any: [
          { path: '/a', op: 'exists' },
          { path: '/s', op: 'matches', regex: '(a)\\1' },
        ],
      }),
    ).toEqual({
      code: 'INVALID_CONDITION',
      path: '/any/1/regex',
      message: 'error parsing regexp: invalid escape sequence: `\\1`',
    })
    expect(attempt({ not: { path: '/a', op: 'glob', pattern: 'x\\' } }).path).toBe('/not/pattern')
    expect(attempt({ all: [{ not: { path: '/a~1b', op: 'lte', value: true } }] })).toMatchObject({
      path: '/all/0/not/value',
      message: 'value must be a finite number or a string',
    })
  })

  it('keeps the condition it validated', () => {
    const condition: Condition = { path: '/a', op: 'in', values: ['x'] }
    expect(compileCondition(condition).condition).toEqual(condition)
  })
})

describe('evaluate on hostile documents', () => {
  const leaves: LeafCondition[] = [
    { path: '/a/b', op: 'eq', value: 1 },
    { path: '/a/0', op: 'exists' },
    { path: '/a', op: 'maxLength', value: 1 },
  ]
  const boom = () => {
    throw new Error('boom')
  }
  const docs = {
    'a throwing getter': {
      get a(): unknown {
        return boom()
      },
    },
    'an array Proxy that throws': { a: new Proxy([], { get: boom }) },
    'an object Proxy that throws': {
      a: new Proxy({}, { get: boom, getOwnPropertyDescriptor: boom }),
    },
  }

  it.each(Object.entries(docs))('treats what it cannot read in %s as a non-match', (_, doc) => {
    for (const leaf of leaves) {
      const compiled = compileCondition(leaf)
      expect(evaluate(compiled, doc), leaf.path).toBe(false)
      expect(explain(compiled, doc).result).toBe(false)
    }
  })

  it('ignores inherited properties', () => {
    expect(evaluate(compileCondition({ path: '/toString', op: 'exists' }), {})).toBe(false)
    expect(evaluate(compileCondition({ path: '/a', op: 'exists' }), Object.create({ a: 1 }))).toBe(
      false,
    )
  })
})
