import type { Decider } from '@tessera/contracts'
import { expect } from 'vitest'

/**
 * Specification-style decider tests:
 * `spec(decider).given([EscrowLocked]).when(releaseFunds).then([FundsReleased])`.
 */
export function spec<C, E, S>(
  decider: Pick<Decider<C, E, S>, 'decide' | 'evolve' | 'initialState'>,
) {
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
