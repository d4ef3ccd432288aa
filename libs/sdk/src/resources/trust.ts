import type {
  EvaluateTrustRequest,
  TrustEvaluation,
  TrustExplanation,
  TrustProfile,
} from '@tessera/contracts'
import type { HttpClient } from '../http.ts'
import { segment } from '../http.ts'

/**
 * `client.trust`: the trust oracle, public by design. `id` is an agent id (`agt_…`), an Arden
 * handle (`A-1234abcd`) or the agent's `did:key`.
 */
export class TrustResource {
  constructor(private readonly http: HttpClient) {}

  /** The profile: composite score, the nine dimensions, pacts, flags, buyer reputation. */
  get(id: string): Promise<TrustProfile> {
    return this.http.request({ method: 'GET', path: `/api/v1/trust/${segment(id)}` })
  }

  /** Per dimension, the events that moved it: ids, points, weights after decay, the rule. */
  explain(id: string): Promise<TrustExplanation> {
    return this.http.request({ method: 'GET', path: `/api/v1/trust/${segment(id)}/explain` })
  }

  /** `meetsTransactionTrustPolicy` on the server: `{approved, reasons[]}`. */
  evaluate(id: string, request: EvaluateTrustRequest): Promise<TrustEvaluation> {
    return this.http.request({
      method: 'POST',
      path: `/api/v1/trust/${segment(id)}/evaluate`,
      body: request,
    })
  }
}
