import { describe, expect, it } from 'vitest'
import { type Condition, compileCondition, describeCondition, evaluate, explain } from './index.ts'

// The examples in README.md, so the documentation cannot drift from the behaviour.
describe('the README examples', () => {
  it('deny transfer_funds when params.amount > 500', () => {
    const rule = compileCondition({ path: '/params/amount', op: 'gt', value: 500 })
    expect(evaluate(rule, { tool: 'transfer_funds', params: { amount: 700 } })).toBe(true)
    expect(explain(rule, { params: {} })).toEqual({
      result: false,
      decidedBy: '',
      description: 'params.amount > 500',
      held: false,
    })
    const both = compileCondition({
      all: [
        { path: '/tool', op: 'eq', value: 'transfer_funds' },
        { path: '/params/amount', op: 'gt', value: 500 },
      ],
    })
    expect(evaluate(both, { tool: 'transfer_funds', params: { amount: 501 } })).toBe(true)
    expect(evaluate(both, { tool: 'transfer_funds', params: { amount: 500 } })).toBe(false)
    expect(evaluate(both, { tool: 'pay_invoice', params: { amount: 9000 } })).toBe(false)
  })

  it('db_* tools outside business hours', () => {
    const condition: Condition = {
      all: [
        { path: '/tool', op: 'glob', pattern: 'db_*' },
        {
          any: [
            { path: '/time/weekday', op: 'gt', value: 5 },
            { not: { path: '/time/hour', op: 'between', min: 9, max: 16 } },
          ],
        },
      ],
    }
    const afterHours = compileCondition(condition)
    const at = (tool: string, hour: number, weekday: number) =>
      evaluate(afterHours, { tool, time: { hour, weekday } })
    expect([at('db_drop', 18, 5), at('db_drop', 10, 6), at('db_drop', 8, 1)]).toEqual([
      true,
      true,
      true,
    ])
    expect([at('db_drop', 9, 1), at('db_drop', 16, 5), at('fs_read', 18, 5)]).toEqual([
      false,
      false,
      false,
    ])
    expect(evaluate(afterHours, { tool: 'db_drop', time: { weekday: 2 } })).toBe(true)
    expect(describeCondition(condition)).toBe(
      'tool matches "db_*" and (time.weekday > 5 or not (time.hour between 9 and 16))',
    )
  })

  it('a deny rule that guards the tested length', () => {
    const rule = compileCondition({
      any: [
        { path: '/params/sql', op: 'matches', regex: '\\bdrop\\s+table\\b', flags: 'i' },
        { not: { path: '/params/sql', op: 'maxLength', value: 4096 } },
      ],
    })
    const sql = (text: string) => evaluate(rule, { params: { sql: text } })
    expect(sql('DROP TABLE users')).toBe(true)
    expect(sql('select 1')).toBe(false)
    expect(sql(`drop table users; ${' '.repeat(5000)}`)).toBe(true)
  })
})
