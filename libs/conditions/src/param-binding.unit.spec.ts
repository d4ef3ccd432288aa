import { describe, expect, it } from 'vitest'
import type { PactCondition } from '@tessera/contracts'
import { brokenBindings, compileBindings } from './param-binding.ts'

const ALLOWLIST = ['acct_1', 'acct_2']
const conditions: PactCondition[] = [
  {
    kind: 'param_binding',
    name: 'amount_cap',
    tool: 'transfer_funds',
    when: { path: '/amount', op: 'lte', value: 500 },
  },
  {
    kind: 'param_binding',
    name: 'destination_allowlist',
    tool: 'transfer_funds',
    when: { path: '/destination', op: 'in', values: ALLOWLIST },
  },
  {
    kind: 'deliverable',
    name: 'accuracy',
    when: { path: '/metadata/accuracy', op: 'gte', value: 0.9 },
  },
  {
    kind: 'param_binding',
    name: 'query_length',
    tool: 'web_search',
    when: { path: '/q', op: 'maxLength', value: 10 },
  },
]
const bindings = compileBindings(conditions)

describe('param bindings', () => {
  it('a compliant call breaks nothing', () => {
    expect(
      brokenBindings(bindings, 'transfer_funds', { amount: 500, destination: 'acct_2' }),
    ).toEqual([])
  })

  it('names every binding of the tool the params break, in the pact order', () => {
    expect(
      brokenBindings(bindings, 'transfer_funds', { amount: 501, destination: 'acct_9' }),
    ).toEqual([
      { name: 'amount_cap', rule: 'param_binding:amount_cap', description: 'amount <= 500' },
      {
        name: 'destination_allowlist',
        rule: 'param_binding:destination_allowlist',
        description: 'destination in ["acct_1", "acct_2"]',
      },
    ])
  })

  it('a missing param breaks its binding (it must be satisfied, not merely not contradicted)', () => {
    expect(
      brokenBindings(bindings, 'transfer_funds', { destination: 'acct_1' }).map((b) => b.name),
    ).toEqual(['amount_cap'])
  })

  it('types never coerce: "400" is not a number under 500', () => {
    expect(
      brokenBindings(bindings, 'transfer_funds', { amount: '400', destination: 'acct_1' }),
    ).toHaveLength(1)
  })

  it('only the bindings of the called tool apply; deliverable conditions never do', () => {
    expect(brokenBindings(bindings, 'web_search', { q: 'short' })).toEqual([])
    expect(brokenBindings(bindings, 'web_search', { q: 'far too long a query' })[0]?.rule).toBe(
      'param_binding:query_length',
    )
    expect(brokenBindings(bindings, 'read_file', { amount: 10_000 })).toEqual([])
  })

  it('tool names match normalised, so another spelling of the tool is bound all the same', () => {
    for (const spelling of [
      'Transfer_Funds',
      'transferFunds',
      'transfer-funds',
      'TRANSFER.FUNDS',
    ]) {
      expect(brokenBindings(bindings, spelling, { amount: 10_000 })[0]?.rule).toMatch(
        /^param_binding:/,
      )
    }
    expect(brokenBindings(bindings, 'transfer_fund', { amount: 10_000 })).toEqual([])
  })

  it('and spellings that drop the separators, or shout one word, are bound too', () => {
    // `TRANSFERFunds` has no lower-to-upper step to split on: it was `transferfunds`, unbound
    for (const spelling of ['transferfunds', 'TRANSFERFunds', 'TransferFUNDS', 'transfer_Funds_']) {
      expect(brokenBindings(bindings, spelling, { amount: 10_000 })[0]?.rule, spelling).toMatch(
        /^param_binding:/,
      )
    }
    expect(brokenBindings(bindings, 'transferfund', { amount: 10_000 })).toEqual([])
  })

  it('a binding that cannot be compiled fails closed: every call of its tool breaks it', () => {
    const bad = compileBindings([
      {
        kind: 'param_binding',
        name: 'no_lookahead',
        tool: 'shell',
        when: { path: '/cmd', op: 'matches', regex: '^(?!rm).*$' },
      },
    ])
    const [broken] = brokenBindings(bad, 'shell', { cmd: 'ls' })
    expect(broken?.rule).toBe('param_binding:no_lookahead')
    expect(broken?.description).toMatch(/^cannot be evaluated: /)
  })
})
