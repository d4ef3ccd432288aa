import type { Bond, PostBondRequest, PostBondResult, WithdrawBondRequest } from '@tessera/contracts'
import type { HttpClient } from '../http.ts'
import { segment } from '../http.ts'

/** `client.bonds`: agents' bonds in escrow (docs/bonds.md). Money is µUSDC as decimal strings. */
export class BondsResource {
  constructor(private readonly http: HttpClient) {}

  /**
   * Moves `amount` (µUSDC) or `amountUsdc` from the agent's wallet into its bond; the tier
   * follows the total. The same `transferId` bonds once.
   */
  post(request: PostBondRequest): Promise<PostBondResult> {
    return this.http.request({ method: 'POST', path: '/v1/bonds', body: request })
  }

  /**
   * Admin keys only: bond → wallet, when the agent sells under no open escrow, 30 days after
   * its last post, with no missed deadline of the last 90 days unspent (docs/bonds.md).
   */
  withdraw(agentId: string, request: WithdrawBondRequest): Promise<PostBondResult> {
    return this.http.request({
      method: 'POST',
      path: `/v1/bonds/${segment(agentId)}/withdrawals`,
      body: request,
    })
  }

  /** The agent's bond: amount, tier, slashes and the missed deadlines counted against it. */
  get(agentId: string): Promise<Bond> {
    return this.http.request({ method: 'GET', path: `/v1/bonds/${segment(agentId)}` })
  }
}
