import { Inject, Injectable } from '@nestjs/common'
import type { TelemetryRecord, TelemetryRecordsMessage } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import {
  DB,
  EVENT_LOG,
  type EventLog,
  SERVICE_SCHEMA,
  TelemetryRecordsConsumer,
} from '@tessera/service-kit'
import {
  type ActivePactBindings,
  type BindingOutcome,
  decideToolCall,
  pactStreamId,
} from '../domain/param-binding/param-binding.ts'
import {
  loadActivePact,
  recordSessionPact,
  recordedEvents,
  sessionKey,
  sessionPacts,
} from './param-binding.repository.ts'

/** Past this many entries a cache is emptied: a cache, not a copy of the tables. */
const MAX_CACHED = 50_000

interface Violation {
  record: TelemetryRecord
  pactId: string
  outcome: Extract<BindingOutcome, { kind: 'violated' }>
}

/**
 * Param binding, continuously: every `tool_call` on TELEMETRY that carries a pact id (or runs in
 * a session whose `session_start` carried one) is checked against that pact's `param_binding`
 * conditions, and each broken one is appended as `ParamBindingViolated` to the pact's stream.
 * A reactor, not a read model: a redelivered batch finds its violations recorded (by telemetry
 * event id, in the append's transaction) and appends nothing.
 */
@Injectable()
export class TelemetryBindingConsumer extends TelemetryRecordsConsumer {
  /** Active pacts are immutable: a compiled pact is kept until the cache fills. */
  private readonly pacts = new Map<string, ActivePactBindings>()
  private readonly sessions = new Map<string, string>()
  /** For the bench and the logs: tool calls seen and those evaluated against a pact. */
  readonly stats = { toolCalls: 0, evaluated: 0, violations: 0 }

  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(EVENT_LOG) private readonly events: EventLog,
  ) {
    super({ durable: 'pacts-param-binding', batchSize: 200 })
  }

  /** One batch of bus messages: reads first, then one transaction for what must be written. */
  protected async handle(messages: TelemetryRecordsMessage[]) {
    const records = messages.flatMap((m) => m.records)
    const starts = records.filter((r) => r.type === 'session_start' && r.pactId !== null)
    const calls = records.filter((r) => r.type === 'tool_call')
    this.stats.toolCalls += calls.length
    for (const s of starts)
      this.remember(this.sessions, sessionKey(s.agentId, s.sessionId!), s.pactId!)
    const pactOf = await this.pactsOfCalls(calls)
    const violations: Violation[] = []
    const detectedAt = new Date()
    let evaluated = 0
    for (const r of calls) {
      const pactId = pactOf.get(r.eventId)
      const pact = pactId === undefined ? null : await this.pact(pactId)
      const call = pact && observed(r)
      if (!pact || !call) continue
      evaluated++
      const outcome = decideToolCall(call, pact, detectedAt)
      if (outcome.kind === 'violated') violations.push({ record: r, pactId: pact.pactId, outcome })
    }
    if (starts.length > 0 || violations.length > 0)
      await this.record(starts, violations, detectedAt)
    // counted once handled (the violations committed): what the bench waits for
    this.stats.evaluated += evaluated
  }

  /** Sessions' pacts and the violations not yet recorded, in one transaction. */
  private async record(starts: TelemetryRecord[], violations: Violation[], detectedAt: Date) {
    let appended = 0
    await this.db.transaction().execute(async (tx) => {
      for (const s of starts) {
        await recordSessionPact(tx, this.schema, {
          agentId: s.agentId,
          sessionId: s.sessionId!,
          pactId: s.pactId!,
        })
      }
      const done = await recordedEvents(
        tx,
        this.schema,
        violations.map((v) => v.record.eventId),
      )
      // one append per pact: a batch's violations of one pact share a round trip
      const byPact = new Map<string, Violation['outcome']['events'][number][]>()
      for (const v of violations) {
        if (done.has(v.record.eventId)) continue
        const events = byPact.get(v.pactId) ?? []
        events.push(...v.outcome.events)
        byPact.set(v.pactId, events)
      }
      for (const [pactId, events] of byPact) {
        await this.events.append(
          pactStreamId(pactId),
          'any',
          events,
          { actor: { kind: 'system', id: 'pacts' }, now: detectedAt },
          tx,
        )
        appended += events.length
      }
    })
    this.stats.violations += appended
  }

  /** The pact of each call: its own `pactId`, else its session's (this batch's starts first). */
  private async pactsOfCalls(calls: TelemetryRecord[]): Promise<Map<string, string>> {
    const pactOf = new Map<string, string>()
    const unknown: { agentId: string; sessionId: string }[] = []
    for (const r of calls) {
      const pactId = r.pactId ?? this.sessionPact(r)
      if (pactId !== undefined) pactOf.set(r.eventId, pactId)
      else if (r.sessionId !== null) unknown.push({ agentId: r.agentId, sessionId: r.sessionId })
    }
    if (unknown.length === 0) return pactOf
    const found = await sessionPacts(this.db, this.schema, unknown)
    for (const [key, pactId] of found) this.remember(this.sessions, key, pactId)
    for (const r of calls) {
      if (pactOf.has(r.eventId) || r.sessionId === null) continue
      const pactId = found.get(sessionKey(r.agentId, r.sessionId))
      if (pactId !== undefined) pactOf.set(r.eventId, pactId)
    }
    return pactOf
  }

  private sessionPact(r: TelemetryRecord): string | undefined {
    return r.sessionId === null ? undefined : this.sessions.get(sessionKey(r.agentId, r.sessionId))
  }

  /**
   * The active pact, compiled once. A pact pacts does not hold (unknown, or not active) is not
   * cached: its calls are not checked, and are checked once it is active.
   */
  private async pact(pactId: string): Promise<ActivePactBindings | null> {
    const hit = this.pacts.get(pactId)
    if (hit) return hit
    const pact = await loadActivePact(this.db, this.schema, pactId)
    if (pact) this.remember(this.pacts, pactId, pact)
    else this.log.debug({ pactId }, 'tool call under a pact pacts holds no active pact for')
    return pact
  }

  private remember<T>(map: Map<string, T>, key: string, value: T) {
    if (map.size >= MAX_CACHED) map.clear()
    map.set(key, value)
  }
}

/** The call as the check reads it; null for a record without a tool name or an object of params. */
function observed(r: TelemetryRecord) {
  const { tool, params } = r.data
  if (typeof tool !== 'string' || typeof params !== 'object' || params === null) return null
  if (Array.isArray(params)) return null
  return {
    telemetryEventId: r.eventId,
    agentId: r.agentId,
    orgId: r.orgId,
    tool,
    params: params as Record<string, unknown>,
  }
}
