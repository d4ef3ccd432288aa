import { AccountOpened, eventParser } from '@tessera/contracts'

export type AccountEvent = { type: 'AccountOpened'; data: AccountOpened }
export const parseAccountEvent = eventParser('an account', { AccountOpened })

/** One ledger account, folded from stream `account-<accountId>`. Money is bigint µUSDC. */
export interface AccountState {
  opened: boolean
  balance: bigint
}

export const initialState = (): AccountState => ({ opened: false, balance: 0n })

export function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened':
      return { opened: true, balance: BigInt(event.data.balance) }
  }
}
