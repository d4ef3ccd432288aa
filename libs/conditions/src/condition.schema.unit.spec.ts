import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MAX_DEPTH, MAX_NODES, MAX_PATTERN_LENGTH, MAX_VALUES } from '@tessera/contracts'
import { Condition } from '@tessera/contracts'

/** The first issue zod reports, as `path: message`. */
function problem(input: unknown): string {
  const result = Condition.safeParse(input)
  if (result.success) return 'valid'
  const [issue] = result.error.issues
  return `${issue!.path.join('.')}: ${issue!.message}`
}

const leaf = { path: '/params/amount', op: 'lte', value: 500 }
const nested = (depth: number): unknown => {
  let node: unknown = { path: '', op: 'exists' }
  for (let i = 1; i < depth; i++) node = { not: node }
  return node
}

describe('the condition schema', () => {
  it.each([
    leaf,
    { path: '/tool', op: 'eq', value: 'transfer_funds' },
    { path: '/params/destination', op: 'in', values: ['acc_1', 2, true, null] },
    { path: '/time/hour', op: 'between', min: 9, max: 9 },
    { path: '/params/sql', op: 'matches', regex: '\\bdrop\\b', flags: 'i' },
    { path: '/tool', op: 'glob', pattern: 'db_*' },
    { path: '/params/note', op: 'maxLength', value: 0 },
    { path: '', op: 'exists' },
    { all: [] },
    { any: [leaf, { not: { path: '/x', op: 'absent' } }] },
  ])('accepts %j', (input) => {
    expect(problem(input)).toBe('valid')
  })

  it.each([
    [{ ...leaf, op: 'le' }, 'op: op must be one of eq, ne, lt, lte, gt, gte, in, notIn, between'],
    [{ ...leaf, value: true }, 'value: value must be a finite number or a string'],
    [{ ...leaf, value: Infinity }, 'value: value must be a finite number or a string'],
    [{ ...leaf, value: NaN }, 'value: value must be a finite number or a string'],
    [{ ...leaf, path: 'params/amount' }, 'path: path must be a JSON pointer'],
    [{ ...leaf, path: '/a~2' }, 'path: path must be a JSON pointer'],
    [{ ...leaf, extra: 1 }, ': Unrecognized key: "extra"'],
    [{ path: '/a', op: 'in', values: [{}] }, 'values.0: values must be JSON scalars'],
    [{ path: '/a', op: 'in', value: ['x'] }, 'values: Invalid input'],
    [{ path: '/a', op: 'between', min: 5, max: 4 }, 'max: min must not be above max'],
    [{ path: '/a', op: 'matches', regex: 'x', flags: 'g' }, 'flags: flags may only be "i"'],
    [{ path: '/a', op: 'maxLength', value: 1.5 }, 'value: Invalid input: expected int'],
    [{ path: '/a', op: 'maxLength', value: -1 }, 'value: maxLength must be a non-negative integer'],
    [{ path: '/a', value: 1 }, ': unknown keys path, value: a leaf needs "op"'],
    [{}, ': a condition is a leaf with "op", or exactly one of "all", "any" or "not"'],
    [{ all: [], any: [] }, ': a condition is a leaf with "op", or exactly one of'],
    [{ all: leaf }, 'all: Invalid input: expected array'],
    ['transfer_funds', ': Invalid input: expected object, received string'],
  ])('rejects %j with "%s"', (input, expected) => {
    expect(problem(input)).toContain(expected)
  })

  it('reports an error inside a combinator where it is, not as a failed union at the root', () => {
    const input = { all: [leaf, { any: [{ not: { ...leaf, value: [] } }] }] }
    expect(problem(input)).toBe('all.1.any.0.not.value: value must be a finite number or a string')
  })

  it(`caps nesting at ${MAX_DEPTH}`, () => {
    expect(problem(nested(MAX_DEPTH))).toBe('valid')
    expect(problem(nested(MAX_DEPTH + 1))).toContain(`conditions nest at most ${MAX_DEPTH} deep`)
  })

  it('rejects a hostile nesting without overflowing the stack', () => {
    expect(problem(nested(200_000))).toContain('nest at most')
  })

  it(`caps the nodes at ${MAX_NODES}, leaves and combinators together`, () => {
    const leaves = (n: number) => Array.from({ length: n }, () => leaf)
    expect(problem({ all: leaves(MAX_NODES - 1) })).toBe('valid')
    expect(problem({ all: leaves(MAX_NODES) })).toContain(`at most ${MAX_NODES} nodes`)
    expect(problem({ all: leaves(100_000) })).toContain(`at most ${MAX_NODES} nodes`)
    const split = { any: [{ all: leaves(600) }, { all: leaves(600) }] }
    expect(problem(split)).toContain(`at most ${MAX_NODES} nodes`)
  })

  it(`caps in/notIn lists at ${MAX_VALUES} values and patterns at ${MAX_PATTERN_LENGTH}`, () => {
    const values = (n: number) => ({
      path: '/a',
      op: 'notIn',
      values: Array.from({ length: n }, (_, i) => i),
    })
    expect(problem(values(MAX_VALUES))).toBe('valid')
    expect(problem(values(MAX_VALUES + 1))).toContain(`at most ${MAX_VALUES} values`)
    const glob = (n: number) => ({ path: '/a', op: 'glob', pattern: 'a'.repeat(n) })
    expect(problem(glob(MAX_PATTERN_LENGTH))).toBe('valid')
    expect(problem(glob(MAX_PATTERN_LENGTH + 1))).toContain(
      `at most ${MAX_PATTERN_LENGTH} characters`,
    )
  })

  it('can be written as JSON Schema, should it move into contracts', () => {
    const schema = JSON.stringify(
      z.toJSONSchema(Condition, { io: 'output', unrepresentable: 'throw' }),
    )
    expect(schema).toContain('"maxLength"')
    expect(schema).toContain('"notIn"')
  })
})
