import { describe, expect, it } from 'vitest'
import { describeCondition, describePath } from './condition.describe.ts'
import type { Condition } from '@tessera/contracts'

describe('describeCondition', () => {
  it.each<[Condition, string]>([
    [{ path: '/params/amount', op: 'lte', value: 500 }, 'params.amount <= 500'],
    [{ path: '/tool', op: 'eq', value: 'transfer_funds' }, 'tool == "transfer_funds"'],
    [{ path: '/a', op: 'ne', value: 'x' }, 'a != "x"'],
    [{ path: '/a', op: 'lt', value: 1 }, 'a < 1'],
    [{ path: '/a', op: 'gt', value: 1 }, 'a > 1'],
    [{ path: '/a', op: 'gte', value: 1 }, 'a >= 1'],
    [
      { path: '/params/destination', op: 'in', values: ['acc_1', null] },
      'params.destination in ["acc_1", null]',
    ],
    [
      { path: '/a', op: 'notIn', values: [1, 2, 3, 4, 5, 6, 7] },
      'a not in [1, 2, 3, 4, 5, … (2 more)]',
    ],
    [{ path: '/time/hour', op: 'between', min: 9, max: 16 }, 'time.hour between 9 and 16'],
    [
      { path: '/params/sql', op: 'matches', regex: '\\bdrop\\b', flags: 'i' },
      'params.sql matches /\\bdrop\\b/i',
    ],
    [{ path: '/tool', op: 'glob', pattern: 'db_*' }, 'tool matches "db_*"'],
    [{ path: '/params/note', op: 'maxLength', value: 280 }, 'length of params.note <= 280'],
    [{ path: '/params/to', op: 'exists' }, 'params.to exists'],
    [{ path: '/params/to', op: 'absent' }, 'params.to is absent'],
    [{ all: [] }, 'true'],
    [{ any: [] }, 'false'],
    [{ all: [{ path: '/a', op: 'exists' }] }, 'a exists'],
    [{ not: { path: '/a', op: 'exists' } }, 'not (a exists)'],
    [
      {
        all: [
          { path: '/tool', op: 'glob', pattern: 'db_*' },
          {
            any: [
              { path: '/time/hour', op: 'lt', value: 9 },
              { path: '/time/weekday', op: 'gt', value: 5 },
            ],
          },
        ],
      },
      'tool matches "db_*" and (time.hour < 9 or time.weekday > 5)',
    ],
  ])('%j reads %s', (condition, expected) => {
    expect(describeCondition(condition)).toBe(expected)
  })
})

describe('describePath', () => {
  it.each([
    ['', 'document'],
    ['/params/items/0/name', 'params.items[0].name'],
    ['/a~1b/c~0d', '["a/b"]["c~d"]'],
    ['/has space/$ok/_x1', '["has space"].$ok._x1'],
    ['/', '[""]'],
    ['/01', '["01"]'],
  ])('%j reads %s', (pointer, expected) => {
    expect(describePath(pointer)).toBe(expected)
  })
})
