import type { PactCondition } from '@tessera/contracts'

/** The bindings the param-binding tests and bench share: `transfer_funds` up to 500, to two accounts. */
export const TRANSFER_BINDINGS: PactCondition[] = [
  {
    kind: 'param_binding',
    name: 'amount_cap',
    tool: 'transfer_funds',
    when: { path: '/amount', op: 'lte', value: 500 },
  },
  {
    kind: 'param_binding',
    name: 'allowlist',
    tool: 'transfer_funds',
    when: { path: '/destination', op: 'in', values: ['acct_1', 'acct_2'] },
  },
]
