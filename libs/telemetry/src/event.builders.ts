import type {
  AgentResponse,
  SessionEnd,
  SessionStart,
  TelemetryEvent,
  ToolCall,
} from '@tessera/contracts'

/** Mirrors `TELEMETRY_MAX_EVENT_BYTES` of `@tessera/contracts` (imported for types only). */
export const MAX_EVENT_BYTES = 8 * 1024

/** What the server accepts: date, time with seconds, optional fraction, `Z` or `±hh:mm`. */
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** A timestamp the caller may leave out (it becomes now) or give as a Date. */
type When = string | Date
type Input<E, At extends keyof E> = Omit<E, 'type' | At> & { [K in At]?: When }

export type SessionStartInput = Input<SessionStart, 'startedAt'>
export type SessionEndInput = Input<SessionEnd, 'endedAt'>
export type ToolCallInput = Input<ToolCall, 'attemptedAt'>
export type ResponseInput = Input<AgentResponse, 'respondedAt'>

// Records, not arrays: the compiler then insists every outcome of the contract is listed.
const SESSION_OUTCOMES: Record<SessionEnd['outcome'], true> = {
  success: true,
  failure: true,
  aborted: true,
  timeout: true,
}
const TOOL_OUTCOMES: Record<ToolCall['outcome'], true> = {
  success: true,
  error: true,
  denied: true,
  timeout: true,
}
const RESPONSE_OUTCOMES: Record<AgentResponse['outcome'], true> = {
  success: true,
  refusal: true,
  partial: true,
  error: true,
}

/** Bad input to one of the event methods; the client logs it instead of throwing. */
export class InvalidEvent extends Error {
  override readonly name = 'InvalidEvent'
}

/** A `session_start` event from the caller's input. */
export function buildSessionStart(input: SessionStartInput): SessionStart {
  const i = record(input)
  return {
    type: 'session_start',
    ...ids(i),
    startedAt: timestamp(i, 'startedAt'),
    ...optional(i),
  }
}

/** A `session_end` event from the caller's input. */
export function buildSessionEnd(input: SessionEndInput): SessionEnd {
  const i = record(input)
  return {
    type: 'session_end',
    ...ids(i),
    endedAt: timestamp(i, 'endedAt'),
    outcome: oneOf(i, SESSION_OUTCOMES),
    ...(i['metadata'] === undefined ? {} : { metadata: plainObject(i, 'metadata') }),
  }
}

/** A `tool_call` event from the caller's input. */
export function buildToolCall(input: ToolCallInput): ToolCall {
  const i = record(input)
  const tool = i['tool']
  if (typeof tool !== 'string' || tool === '' || tool.length > 200) {
    throw new InvalidEvent('tool must be a string of 1 to 200 characters')
  }
  return {
    type: 'tool_call',
    ...ids(i),
    tool,
    params: plainObject(i, 'params'),
    outcome: oneOf(i, TOOL_OUTCOMES),
    latencyMs: latency(i['latencyMs']),
    attemptedAt: timestamp(i, 'attemptedAt'),
    ...optional(i),
  }
}

/** A `response` event from the caller's input. */
export function buildResponse(input: ResponseInput): AgentResponse {
  const i = record(input)
  return {
    type: 'response',
    ...ids(i),
    outcome: oneOf(i, RESPONSE_OUTCOMES),
    respondedAt: timestamp(i, 'respondedAt'),
    ...(i['latencyMs'] === undefined ? {} : { latencyMs: latency(i['latencyMs']) }),
    ...optional(i),
  }
}

/** The event as one JSON text, checked against the per-event size limit. */
export function serializeEvent(event: TelemetryEvent): string {
  // BigInts are common in tool arguments and JSON has no other way to carry them
  const json = JSON.stringify(event, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  )
  const bytes = new TextEncoder().encode(json).length
  if (bytes > MAX_EVENT_BYTES) {
    throw new InvalidEvent(`event is ${bytes} bytes as JSON; the limit is ${MAX_EVENT_BYTES}`)
  }
  return json
}

/** True for `{...}` literals and `Object.create(null)`, false for arrays, class instances, etc. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

function record(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null) throw new InvalidEvent('expected an object')
  return input as Record<string, unknown>
}

function id(i: Record<string, unknown>, key: string): string {
  const value = i[key]
  if (typeof value !== 'string' || value === '' || value.length > 128) {
    throw new InvalidEvent(`${key} must be a string of 1 to 128 characters`)
  }
  return value
}

function ids(i: Record<string, unknown>): { sessionId: string; agentId: string } {
  return { sessionId: id(i, 'sessionId'), agentId: id(i, 'agentId') }
}

function optional(i: Record<string, unknown>): {
  pactId?: string
  metadata?: Record<string, unknown>
} {
  return {
    ...(i['pactId'] === undefined ? {} : { pactId: id(i, 'pactId') }),
    ...(i['metadata'] === undefined ? {} : { metadata: plainObject(i, 'metadata') }),
  }
}

function plainObject(i: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = i[key]
  if (!isPlainObject(value)) throw new InvalidEvent(`${key} must be a plain object`)
  return value
}

function oneOf<T extends string>(i: Record<string, unknown>, allowed: Record<T, true>): T {
  const value = i['outcome']
  if (typeof value !== 'string' || !Object.hasOwn(allowed, value)) {
    throw new InvalidEvent(`outcome must be one of ${Object.keys(allowed).join(', ')}`)
  }
  return value as T
}

function latency(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidEvent('latencyMs must be a finite number >= 0')
  }
  return value
}

function timestamp(i: Record<string, unknown>, key: string): string {
  const value = i[key]
  if (value === undefined) return new Date().toISOString()
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString()
  if (typeof value === 'string' && ISO_DATETIME.test(value) && !Number.isNaN(Date.parse(value))) {
    return value
  }
  throw new InvalidEvent(`${key} must be an ISO-8601 date-time with a zone, or a valid Date`)
}
