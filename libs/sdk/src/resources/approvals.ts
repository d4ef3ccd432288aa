import type { ActionEffect } from '@tessera/contracts'
import type { HttpClient } from '../http.ts'
import { segment } from '../http.ts'

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired'

export interface Approval {
  approvalId: string
  status: ApprovalStatus
  agentId: string
  sessionId: string | null
  action: string
  /** The tool the agent wants to call. */
  actionName: string
  actionEffect: ActionEffect
  toolInputSummary: string | null
  /** The check that asked, and the rule that required elevation. */
  checkId: string
  rule: string
  reason: string
  requestedAt: string
  /** A pending approval lapses at this time. */
  expiresAt: string
  decidedBy: string | null
  decidedAt: string | null
  denyReason: string | null
  /** Approved: the same check passes once if retried before this time. */
  usableUntil: string | null
  consumedAt: string | null
  consumedByCheckId: string | null
}

export interface ListApprovalsRequest {
  /** `pending`: waiting for a decision now. */
  status?: ApprovalStatus
  agentId?: string
  limit?: number
  cursor?: string
}

export interface ApprovalPage {
  items: Approval[]
  nextCursor: string | null
}

/** `client.approvals`: human elevation for checks that need it. */
export class ApprovalsResource {
  constructor(private readonly http: HttpClient) {}

  /** Lets the same check (agent, tool, effect, session) pass once within the org's window. */
  approve(approvalId: string, decidedBy: string): Promise<Approval> {
    return this.http.request({
      method: 'POST',
      path: `/v1/approvals/${segment(approvalId)}/approve`,
      body: { decidedBy },
    })
  }

  deny(approvalId: string, decidedBy: string, reason?: string): Promise<Approval> {
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
