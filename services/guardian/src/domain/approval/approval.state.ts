import {
  ApprovalApproved,
  ApprovalConsumed,
  ApprovalDenied,
  ApprovalExpired,
  ApprovalRequested,
  eventParser,
} from '@tessera/contracts'

export type ApprovalEvent =
  | { type: 'ApprovalRequested'; data: ApprovalRequested }
  | { type: 'ApprovalApproved'; data: ApprovalApproved }
  | { type: 'ApprovalDenied'; data: ApprovalDenied }
  | { type: 'ApprovalExpired'; data: ApprovalExpired }
  | { type: 'ApprovalConsumed'; data: ApprovalConsumed }

/** One approval, folded from stream `approval-<approvalId>`. */
export type ApprovalState =
  | { status: 'none' }
  | {
      status: 'pending' | 'approved' | 'denied' | 'expired'
      approvalId: string
      orgId: string
      expiresAt: Date
      /** Set once approved: the retried check must come before it. */
      usableUntil: Date | null
      consumed: boolean
    }

export const initialState = (): ApprovalState => ({ status: 'none' })

export function evolve(state: ApprovalState, event: ApprovalEvent): ApprovalState {
  if (event.type === 'ApprovalRequested') {
    return {
      status: 'pending',
      approvalId: event.data.approvalId,
      orgId: event.data.orgId,
      expiresAt: new Date(event.data.expiresAt),
      usableUntil: null,
      consumed: false,
    }
  }
  if (state.status === 'none') return state
  switch (event.type) {
    case 'ApprovalApproved':
      return { ...state, status: 'approved', usableUntil: new Date(event.data.usableUntil) }
    case 'ApprovalDenied':
      return { ...state, status: 'denied' }
    case 'ApprovalExpired':
      return { ...state, status: 'expired' }
    case 'ApprovalConsumed':
      return { ...state, consumed: true }
  }
}

export const parseApprovalEvent = eventParser('an approval', {
  ApprovalRequested,
  ApprovalApproved,
  ApprovalDenied,
  ApprovalExpired,
  ApprovalConsumed,
})
