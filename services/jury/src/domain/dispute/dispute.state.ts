import {
  AppealFiled,
  DisputeReceived,
  DisputeResponded,
  PanelSat,
  QuorumMissed,
  VerdictReached,
  eventParser,
} from '@tessera/contracts'

export const parseDisputeEvent = eventParser('a dispute', {
  DisputeReceived,
  DisputeResponded,
  PanelSat,
  QuorumMissed,
  VerdictReached,
  AppealFiled,
})
export type DisputeEvent = ReturnType<typeof parseDisputeEvent>

/** One dispute, folded from stream `dispute-<disputeId>`. */
export interface DisputeState {
  received: DisputeReceived | null
  status: 'none' | 'awaiting_response' | 'deliberating' | 'decided' | 'appealed' | 'final'
  response: DisputeResponded | null
  round: number
  /** Panels sat in the current round. */
  panels: PanelSat[]
  verdicts: VerdictReached[]
  appeal: AppealFiled | null
}

export const initialState = (): DisputeState => ({
  received: null,
  status: 'none',
  response: null,
  round: 1,
  panels: [],
  verdicts: [],
  appeal: null,
})

export function evolve(state: DisputeState, event: DisputeEvent): DisputeState {
  switch (event.type) {
    case 'DisputeReceived':
      return { ...state, received: event.data, status: 'awaiting_response' }
    case 'DisputeResponded':
      return { ...state, response: event.data, status: 'deliberating' }
    case 'PanelSat':
      return { ...state, panels: [...state.panels, event.data] }
    case 'QuorumMissed':
      return { ...state, status: state.status === 'appealed' ? 'appealed' : 'deliberating' }
    case 'VerdictReached':
      return {
        ...state,
        verdicts: [...state.verdicts, event.data],
        status: event.data.round === 1 && event.data.appealableUntil ? 'decided' : 'final',
      }
    case 'AppealFiled':
      return { ...state, appeal: event.data, status: 'appealed', round: 2, panels: [] }
  }
}
