/** One dependency a service needs before it takes traffic (database, NATS, ...). */
export interface ReadinessCheck {
  name: string
  /** Resolves when ready; throws (or rejects) with a message saying what is wrong. */
  check(): Promise<void>
}

export interface ReadinessReport {
  ready: boolean
  /** Check name → `ok`, or the error message of the failed check. */
  checks: Record<string, string>
}

export const DEFAULT_READINESS_TIMEOUT_MS = 2_000

/**
 * Runs all checks at once, each bounded by `timeoutMs`, so one hung dependency cannot make
 * the probe itself time out (the orchestrator would then report nothing useful).
 */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs = DEFAULT_READINESS_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const outcomes = await Promise.all(
    checks.map(async (c) => {
      try {
        await withTimeout(() => c.check(), timeoutMs)
        return { name: c.name, ok: true, outcome: 'ok' }
      } catch (err) {
        return { name: c.name, ok: false, outcome: errorMessage(err) }
      }
    }),
  )
  return {
    ready: outcomes.every((o) => o.ok),
    checks: Object.fromEntries(outcomes.map((o) => [o.name, o.outcome])),
  }
}

async function withTimeout(fn: () => Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)
  })
  try {
    // Promise.resolve().then: a check that throws synchronously is still a failed check.
    await Promise.race([Promise.resolve().then(fn), timeout])
  } finally {
    clearTimeout(timer)
  }
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name
  return String(err) || 'failed'
}
