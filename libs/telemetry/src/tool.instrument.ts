import type { ToolCallInput } from './event.builders.ts'
import { isPlainObject } from './event.builders.ts'

export interface InstrumentToolSpec<A extends unknown[], R> {
  sessionId: string
  agentId: string
  /** The tool's name as it appears in telemetry. */
  tool: string
  pactId?: string
  /** Sent with every call; on a throw, `error` is set to the error's message. */
  metadata?: Record<string, unknown>
  /** The tool itself, sync or async; it is called without a `this`. */
  fn: (...args: A) => R
}

/**
 * Wraps `fn` so that each call records a `tool_call` through `record`, whether it returns or
 * throws; results and errors pass through untouched.
 */
export function instrument<A extends unknown[], R>(
  spec: InstrumentToolSpec<A, R>,
  record: (call: ToolCallInput) => void,
): (...args: A) => Promise<Awaited<R>> {
  return async (...args: A): Promise<Awaited<R>> => {
    const attemptedAt = new Date().toISOString()
    const started = performance.now()
    const report = (outcome: 'success' | 'error', error?: unknown): void => {
      try {
        const metadata =
          outcome === 'error' ? { ...spec.metadata, error: messageOf(error) } : spec.metadata
        record({
          sessionId: spec.sessionId,
          agentId: spec.agentId,
          tool: spec.tool,
          params: paramsOf(args),
          outcome,
          latencyMs: Math.max(0, performance.now() - started),
          attemptedAt,
          ...(spec.pactId === undefined ? {} : { pactId: spec.pactId }),
          ...(metadata === undefined ? {} : { metadata }),
        })
      } catch {
        // telemetry must never change what the tool returns or throws; record() logs on its own
      }
    }
    let result: Awaited<R>
    try {
      result = await spec.fn(...args)
    } catch (err) {
      report('error', err)
      throw err
    }
    report('success')
    return result
  }
}

/** The wire wants an object: an options-style first argument as it is, else the argument list. */
export function paramsOf(args: readonly unknown[]): Record<string, unknown> {
  const [first] = args
  return isPlainObject(first) ? first : { args: [...args] }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  try {
    return String(error)
  } catch {
    return 'unprintable error'
  }
}
