import { SessionClosed, SessionStarted, eventParser } from '@tessera/contracts'

export type SessionEvent =
  { type: 'SessionStarted'; data: SessionStarted } | { type: 'SessionClosed'; data: SessionClosed }

/** One session, folded from stream `session-<sessionId>`. */
export type SessionState =
  | { status: 'none' }
  | { status: 'active' | 'closed'; sessionId: string; agentId: string; orgId: string }

export const initialState = (): SessionState => ({ status: 'none' })

export function evolve(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'SessionStarted':
      return {
        status: 'active',
        sessionId: event.data.sessionId,
        agentId: event.data.agentId,
        orgId: event.data.orgId,
      }
    case 'SessionClosed':
      return state.status === 'none' ? state : { ...state, status: 'closed' }
  }
}

export const parseSessionEvent = eventParser('a session', { SessionStarted, SessionClosed })
