import {
  CompletionSubmitted,
  DeadlineMissed,
  DisputeOpened,
  EscrowCreated,
  EscrowDeadlineExtended,
  EscrowRefunded,
  EscrowReleased,
  EscrowSettled,
  eventParser,
} from '@tessera/contracts'

export type EscrowEvent =
  | { type: 'EscrowCreated'; data: EscrowCreated }
  | { type: 'CompletionSubmitted'; data: CompletionSubmitted }
  | { type: 'EscrowReleased'; data: EscrowReleased }
  | { type: 'EscrowDeadlineExtended'; data: EscrowDeadlineExtended }
  | { type: 'DeadlineMissed'; data: DeadlineMissed }
  | { type: 'EscrowRefunded'; data: EscrowRefunded }
  | { type: 'DisputeOpened'; data: DisputeOpened }
  | { type: 'EscrowSettled'; data: EscrowSettled }

export const parseEscrowEvent = eventParser('an escrow', {
  EscrowCreated,
  CompletionSubmitted,
  EscrowReleased,
  EscrowDeadlineExtended,
  DeadlineMissed,
  EscrowRefunded,
  DisputeOpened,
  EscrowSettled,
})

export type EscrowStatus = 'none' | 'locked' | 'released' | 'refunded' | 'disputed' | 'settled'

/** One escrow, folded from stream `escrow-<escrowId>`. */
export interface EscrowState {
  status: EscrowStatus
  created: EscrowCreated | null
  /** The deadline in force: the pact's, or 48 h later once grace was applied. */
  deadlineUtc: string | null
  graceApplied: boolean
  completion: { verification: CompletionSubmitted['verification']; submittedAt: string } | null
  disputeId: string | null
}

export const initialState = (): EscrowState => ({
  status: 'none',
  created: null,
  deadlineUtc: null,
  graceApplied: false,
  completion: null,
  disputeId: null,
})

export function evolve(state: EscrowState, event: EscrowEvent): EscrowState {
  switch (event.type) {
    case 'EscrowCreated':
      return {
        ...state,
        status: 'locked',
        created: event.data,
        deadlineUtc: event.data.deadlineUtc,
      }
    case 'CompletionSubmitted':
      return {
        ...state,
        completion: {
          verification: event.data.verification,
          submittedAt: event.data.submittedAt,
        },
      }
    case 'EscrowReleased':
      return { ...state, status: 'released' }
    case 'EscrowDeadlineExtended':
      return { ...state, deadlineUtc: event.data.deadlineUtc, graceApplied: true }
    case 'DeadlineMissed':
      return state
    case 'EscrowRefunded':
      return { ...state, status: 'refunded' }
    case 'DisputeOpened':
      return { ...state, status: 'disputed', disputeId: event.data.disputeId }
    case 'EscrowSettled':
      return { ...state, status: 'settled' }
  }
}
