import { AccountOpened, FundsDeposited, eventParser } from '@tessera/contracts'

export type AccountEvent =
  { type: 'AccountOpened'; data: AccountOpened } | { type: 'FundsDeposited'; data: FundsDeposited }
export const parseAccountEvent = eventParser('an account', { AccountOpened, FundsDeposited })

/**
 * One account, folded from stream `account-<accountId>`. Its balances are not here: the ledger
 * tables are the ledger of record (docs/ledger.md); this stream records why money moved.
 */
export interface AccountState {
  opened: boolean
}

export const initialState = (): AccountState => ({ opened: false })

export function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened':
      return { opened: true }
    case 'FundsDeposited':
      return state
  }
}
