import type {
  AccountBalance,
  AccountList,
  CreditAccountRequest,
  CreditResult,
  PageRequest,
  Statement,
} from '@tessera/contracts'
import type { HttpClient } from '../http.ts'
import { segment } from '../http.ts'

/** `client.accounts`: the org's ledger accounts in escrow. Money is µUSDC as decimal strings. */
export class AccountsResource {
  constructor(private readonly http: HttpClient) {}

  /** The org's operating account and its agents' wallets, with balances. */
  list(): Promise<AccountList> {
    return this.http.request({ method: 'GET', path: '/v1/accounts' })
  }

  get(accountId: string): Promise<AccountBalance> {
    return this.http.request({ method: 'GET', path: `/v1/accounts/${segment(accountId)}` })
  }

  /** An agent's wallet: its account id is `acct_` and the agent id. */
  getAgentWallet(agentId: string): Promise<AccountBalance> {
    return this.get(`acct_${agentId}`)
  }

  /** Oldest first; each line names the transfer and the escrow event that caused it. */
  statement(accountId: string, page: PageRequest = {}): Promise<Statement> {
    return this.http.request({
      method: 'GET',
      path: `/v1/accounts/${segment(accountId)}/statement`,
      query: { limit: page.limit, cursor: page.cursor },
    })
  }

  /** Admin keys only: money in through the internal rail (demos and tests). */
  credit(accountId: string, request: CreditAccountRequest): Promise<CreditResult> {
    return this.http.request({
      method: 'POST',
      path: `/v1/accounts/${segment(accountId)}/credits`,
      body: request,
    })
  }
}
