/**
 * The completion document a pact's `deliverable` conditions are evaluated on — by escrow's
 * automated verification and by jury's rules judge alike, so both read the same thing:
 * `{deliverable, completionTimeUtc, executionMetrics, metadata}`, where `metadata` is the
 * seller's execution metrics again (conditions written against either name hold the same).
 */
export interface CompletionInput {
  deliverable: unknown
  completionTimeUtc?: string | null | undefined
  executionMetrics?: Record<string, unknown> | null | undefined
}

export interface CompletionDocument {
  deliverable: unknown
  completionTimeUtc: string | null
  executionMetrics: Record<string, unknown>
  metadata: Record<string, unknown>
}

export function completionDocument(input: CompletionInput): CompletionDocument {
  const metrics = input.executionMetrics ?? {}
  return {
    deliverable: input.deliverable,
    completionTimeUtc: input.completionTimeUtc ?? null,
    executionMetrics: metrics,
    metadata: metrics,
  }
}
