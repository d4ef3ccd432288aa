/** Base of the event store's typed errors; `code` is stable and safe to show to callers. */
export class EventStoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** The stream was not at the version the caller decided against. */
export class ConcurrencyError extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersionLabel,
    /** Unknown when the conflict aborted the caller's transaction, which can then not ask. */
    readonly actual: number | undefined,
  ) {
    super(
      'CONCURRENCY_CONFLICT',
      actual === undefined
        ? `stream ${streamId} moved past ${String(expected)} meanwhile`
        : `stream ${streamId} is at version ${actual}, expected ${String(expected)}`,
    )
  }
}

export type ExpectedVersionLabel = number | 'no_stream' | 'any'
