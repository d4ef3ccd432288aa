import { expect } from 'vitest'

/** The shape every domain aggregate exports: pure decide and evolve. */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[]
  evolve(state: State, event: Event): State
  initialState: () => State
}

/**
 * Specification-style decider tests:
 * `spec(decider).given([EscrowLocked]).when(releaseFunds).then([FundsReleased])`.
 */
export function spec<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given(events: E[]) {
      const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState())
      return {
        when(command: C) {
          const run = () => decider.decide(command, state)
          return {
            then(expected: E[]) {
              expect(run()).toEqual(expected)
            },
            thenThrows(errorClass: abstract new (...args: never[]) => Error) {
              expect(run).toThrow(errorClass)
            },
          }
        },
      }
    },
  }
}
