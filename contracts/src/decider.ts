/**
 * The one shape of an aggregate, for the whole workspace: pure `decide` and `evolve` from an
 * `initialState`, and `parse`, which reads the aggregate's events back from its log (an
 * `eventParser` of its contracts). Domain code exports one per aggregate
 * (`agentDecider = { decide, evolve, initialState, parse }`); `EventLog.handle` runs commands
 * with it and `spec()` in `@tessera/testing` tests it.
 *
 * It is a type only, and lives here because domain code may import contracts and nothing that
 * does I/O (eslint's `tessera/domain-is-pure`). Members are plain functions, not methods, so
 * `history.reduce(decider.evolve, decider.initialState())` needs no binding.
 */
export interface Decider<Command, Event, State> {
  decide: (command: Command, state: State) => Event[]
  evolve: (state: State, event: Event) => State
  initialState: () => State
  /** Validates an event read from the log (an envelope's `{type, data}`) into `Event`. */
  parse: (event: { type: string; data: unknown }) => Event
}
