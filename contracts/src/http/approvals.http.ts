import { z } from 'zod'

// Guardian's `/v1/approvals` bodies, for the controller and for `@tessera/sdk`; the approval it
// answers with is `Approval` in guard.views.ts.

/** `POST /v1/approvals/:id/approve` and `…/deny`. */
export const DecideApprovalBody = z.object({
  /**
   * A note on who decided (an email, a ticket, a system's name), kept with the decision. The
   * deciding key and its user are recorded whether or not it is given.
   */
  decidedBy: z.string().trim().min(1).max(200).optional(),
  reason: z.string().trim().min(1).max(500).optional(),
})
export type DecideApprovalRequest = z.input<typeof DecideApprovalBody>

/** `GET /v1/approvals` filters, besides `limit` and `cursor`. */
export const ListApprovalsFilter = z.object({
  /** `pending`: waiting for a decision now. */
  status: z.enum(['pending', 'approved', 'denied', 'expired']).optional(),
  agentId: z.string().max(100).optional(),
})
export type ListApprovalsFilter = z.input<typeof ListApprovalsFilter>
