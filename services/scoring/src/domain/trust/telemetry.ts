import type { Evidence } from './evidence.ts'
import { utc } from './evidence.ts'

/**
 * Ingest telemetry as trust evidence, aggregated per agent per UTC day (docs/trust-model.md,
 * "Telemetry"): never one row per tool call. A day's counts are sums and its time a maximum, so
 * days merge in any order and batching; the rules read only the merged day.
 */
export interface TelemetryDay {
  agentId: string
  /** YYYY-MM-DD, UTC. */
  day: string
  /** Every record (any type): the activity. */
  records: number
  /** `tool_call` records, and those that ended in `error` or `timeout`, or took ≥ SLOW_CALL_MS. */
  calls: number
  errors: number
  slow: number
  /** The latest record's time (its `occurredAt`, capped at its `receivedAt`). */
  lastAt: string
}

/** The few fields of an ingest record the model reads (`TelemetryRecord` in contracts). */
export interface TelemetryRecordFacts {
  agentId: string
  type: string
  occurredAt: string
  receivedAt: string
  data: Record<string, unknown>
}

/** A tool call this slow counts as slow. */
export const SLOW_CALL_MS = 10_000
/** A day is judged only on at least this many tool calls. */
export const TELEMETRY_MIN_CALLS = 20
/** A day whose share of failed (error, timeout) calls is above this costs reliability. */
export const ERROR_RATE_LIMIT = 0.1
/** A day whose share of slow calls is above this costs latency. */
export const SLOW_SHARE_LIMIT = 0.1

/** The records folded into per-agent-day deltas (sorted by agent, then day). */
export function foldTelemetry(records: readonly TelemetryRecordFacts[]): TelemetryDay[] {
  const days = new Map<string, TelemetryDay>()
  for (const r of records) {
    // A clock ahead of ingest's cannot date activity in the future: capped at receipt.
    const occurred = utc(r.occurredAt)
    const received = utc(r.receivedAt)
    const at = occurred < received ? occurred : received
    const one: TelemetryDay = {
      agentId: r.agentId,
      day: at.slice(0, 10),
      records: 1,
      calls: 0,
      errors: 0,
      slow: 0,
      lastAt: at,
    }
    if (r.type === 'tool_call') {
      one.calls = 1
      const outcome = r.data['outcome']
      if (outcome === 'error' || outcome === 'timeout') one.errors = 1
      const latency = r.data['latencyMs']
      if (typeof latency === 'number' && latency >= SLOW_CALL_MS) one.slow = 1
    }
    const k = `${one.agentId}|${one.day}`
    const before = days.get(k)
    days.set(k, before ? mergeDays(before, one) : one)
  }
  return [...days.values()].sort((a, b) =>
    a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : a.day < b.day ? -1 : 1,
  )
}

/** Two counts of the same agent and day: sums, and the later time. */
export function mergeDays(a: TelemetryDay, b: TelemetryDay): TelemetryDay {
  return {
    agentId: a.agentId,
    day: a.day,
    records: a.records + b.records,
    calls: a.calls + b.calls,
    errors: a.errors + b.errors,
    slow: a.slow + b.slow,
    lastAt: a.lastAt > b.lastAt ? a.lastAt : b.lastAt,
  }
}

/**
 * A merged day as evidence: one per agent and day, keyed by the agent, dated to the minute of
 * its latest record. Activity at minute resolution is what keeps telemetry cheap: a profile
 * moves only when that minute or a rule of the day changes, not at every record.
 */
export function telemetryEvidence(d: TelemetryDay): Evidence {
  return {
    kind: 'telemetry',
    id: `telemetry:${d.day}`,
    at: minuteOf(d.lastAt),
    key: d.agentId,
    agentId: d.agentId,
    day: d.day,
    records: d.records,
    calls: d.calls,
    errors: d.errors,
    slow: d.slow,
  }
}

function minuteOf(at: string): string {
  return `${at.slice(0, 16)}:00.000Z`
}

/** Whether merging counts into a day changes what a profile reads of it (its minute, its rules). */
export function movesProfile(before: TelemetryDay | undefined, after: TelemetryDay): boolean {
  if (!before) return true
  return (
    minuteOf(before.lastAt) !== minuteOf(after.lastAt) ||
    telemetryRules(before).join() !== telemetryRules(after).join()
  )
}

export type TelemetryRule = 'telemetry_error_rate' | 'telemetry_slow_calls'

/** The rules a merged day triggers: each is a share above its limit over enough calls. */
export function telemetryRules(d: {
  calls: number
  errors: number
  slow: number
}): TelemetryRule[] {
  if (d.calls < TELEMETRY_MIN_CALLS) return []
  const out: TelemetryRule[] = []
  if (d.errors / d.calls > ERROR_RATE_LIMIT) out.push('telemetry_error_rate')
  if (d.slow / d.calls > SLOW_SHARE_LIMIT) out.push('telemetry_slow_calls')
  return out
}
