import type { Approval, ListApprovalsFilter, PageRequest } from '@tessera/contracts'
import type { HttpClient, Page } from '../http.ts'
import { segment } from '../http.ts'

export type ListApprovalsRequest = ListApprovalsFilter & PageRequest

export type ApprovalPage = Page<Approval>

/** `client.approvals`: human elevation for checks that need it. */
export class ApprovalsResource {
  constructor(private readonly http: HttpClient) {}

  /**
   * Lets the same action (agent, session, capability, effect, and the same summary and params)
   * pass once within the org's window. Guardian records this client's key (and its user) as
   * `decidedByKey`; `decidedBy` is an optional note kept beside it.
   */
  approve(approvalId: string, decidedBy?: string): Promise<Approval> {
    return this.http.request({
      method: 'POST',
      path: `/v1/approvals/${segment(approvalId)}/approve`,
      body: { decidedBy },
    })
  }

  /** Records this client's key as `decidedByKey`, with the optional note and reason. */
  deny(approvalId: string, decidedBy?: string, reason?: string): Promise<Approval> {
    return this.http.request({
      method: 'POST',
      path: `/v1/approvals/${segment(approvalId)}/deny`,
      body: { decidedBy, reason },
    })
  }

  get(approvalId: string): Promise<Approval> {
    return this.http.request({ method: 'GET', path: `/v1/approvals/${segment(approvalId)}` })
  }

  /** Newest first. */
  list(request: ListApprovalsRequest = {}): Promise<ApprovalPage> {
    const { status, agentId, limit, cursor } = request
    return this.http.request({
      method: 'GET',
      path: '/v1/approvals',
      query: { status, agentId, limit, cursor },
    })
  }
}
