import type {
  AppealDisputeRequest,
  Dispute,
  DisputeRecord,
  ListDisputesFilter,
  PageRequest,
  RespondDisputeRequest,
} from '@tessera/contracts'
import type { HttpClient, Page } from '../http.ts'
import { paginate, segment } from '../http.ts'

export type ListDisputesRequest = ListDisputesFilter & PageRequest

export type DisputePage = Page<Dispute>

/**
 * `client.disputes`: disputes escrow opened on the org's pacts, decided by a panel of judges
 * (docs/jury.md). Another org's dispute is a `NotFoundError`, like an unknown one.
 */
export class DisputesResource {
  constructor(private readonly http: HttpClient) {}

  get(disputeId: string): Promise<Dispute> {
    return this.http.request({ method: 'GET', path: `/v1/disputes/${segment(disputeId)}` })
  }

  /** The audit record: every judge's prompt, raw answer and vote or exclusion, per round. */
  record(disputeId: string): Promise<DisputeRecord> {
    return this.http.request({
      method: 'GET',
      path: `/v1/disputes/${segment(disputeId)}/record`,
    })
  }

  /** The party that did not dispute answers the claim, inside the response window. */
  respond({ disputeId, ...body }: RespondDisputeRequest): Promise<Dispute> {
    return this.http.request({
      method: 'POST',
      path: `/v1/disputes/${segment(disputeId)}/respond`,
      body,
    })
  }

  /** Either party appeals the first verdict, once, inside the window, for the appeal fee. */
  appeal({ disputeId, ...body }: AppealDisputeRequest): Promise<Dispute> {
    return this.http.request({
      method: 'POST',
      path: `/v1/disputes/${segment(disputeId)}/appeal`,
      body,
    })
  }

  list(request: ListDisputesRequest = {}): Promise<DisputePage> {
    const { status, limit, cursor } = request
    return this.http.request({
      method: 'GET',
      path: '/v1/disputes',
      query: { status, limit, cursor },
    })
  }

  iterate(request: Omit<ListDisputesRequest, 'cursor'> = {}): AsyncGenerator<Dispute> {
    return paginate((cursor) => this.list({ ...request, cursor }))
  }
}
