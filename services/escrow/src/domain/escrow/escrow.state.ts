import {
  AppealFeeCharged,
  CompletionSubmitted,
  DeadlineMissed,
  DisputeOpened,
  EscrowCreated,
  EscrowDeadlineExtended,
  EscrowRefunded,
  EscrowReleased,
  EscrowSettled,
  VerdictRecorded,
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
  | { type: 'VerdictRecorded'; data: VerdictRecorded }
  | { type: 'AppealFeeCharged'; data: AppealFeeCharged }

export const parseEscrowEvent = eventParser('an escrow', {
  EscrowCreated,
  CompletionSubmitted,
  EscrowReleased,
  EscrowDeadlineExtended,
  DeadlineMissed,
  EscrowRefunded,
  DisputeOpened,
  EscrowSettled,
  VerdictRecorded,
  AppealFeeCharged,
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
  /** A round-1 verdict held until its appeal window closes (`VerdictRecorded`). */
  pendingVerdict: { releasePercentage: number; settleAt: string } | null
  /** The dispute was appealed (`AppealFeeCharged`): only a round-2 verdict settles it. */
  appealed: boolean
  /** Which verdict round settled it (null: not by a verdict). */
  settledRound: number | null
}

export const initialState = (): EscrowState => ({
  status: 'none',
  created: null,
  deadlineUtc: null,
  graceApplied: false,
  completion: null,
  disputeId: null,
  pendingVerdict: null,
  appealed: false,
  settledRound: null,
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
      return { ...state, status: 'settled', settledRound: event.data.round ?? null }
    case 'VerdictRecorded':
      return {
        ...state,
        pendingVerdict: {
          releasePercentage: event.data.releasePercentage,
          settleAt: event.data.settleAt,
        },
      }
    case 'AppealFeeCharged':
      return { ...state, appealed: true }
  }
}
