import { z } from 'zod'
import { unstorableReason } from './storable.ts'

/**
 * The Arden event protocol v1 (`POST /api/events`), implemented to the published spec.
 * One function, {@link validateArdenEvent}, decides every rule that needs no database, so the
 * HTTP endpoint, the bus intake and `tessera events send --dry-run` reject exactly alike. Only
 * `unknown_agent` needs the agent registry, and the server adds it.
 */

export const ARDEN_ERROR_CODES = [
  'unknown_agent',
  'invalid_user',
  'missing_required_field',
  'bad_data_size',
  'validation_error',
] as const
export type ArdenErrorCode = (typeof ARDEN_ERROR_CODES)[number]

/** At most this many events in one request or intake message. */
export const ARDEN_MAX_BATCH = 100
/** `data` as JSON, or `data` decoded from base64: at most this many bytes. */
export const ARDEN_MAX_DATA_BYTES = 1024

export const ARDEN_AGENT_PATTERN = /^(?:[aAsS]-)?[0-9a-fA-F]{1,8}$/
/** Crockford base32, 26 chars, case-insensitive; the first char ≤ 7 keeps it within 128 bits. */
export const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
/** 9999-12-31T23:59:59.999Z: future times are accepted, up to what ISO 8601 writes in 4 digits. */
const MAX_EPOCH_MS = 253_402_300_799_999

export const Ulid = z.string().regex(ULID_PATTERN, 'must be a ULID (26 Crockford base32 chars)')

/** `A-` real, `S-` simulated, none given. */
export type AgentKind = 'real' | 'simulated' | 'unspecified'

/**
 * An agent reference split into its kind and its canonical handle: the hex as 8 lowercase
 * digits, so `A-ABC`, `a-00000abc` and `abc` all name the agent whose handle is `00000abc`.
 */
export function parseAgentRef(agent: string): { kind: AgentKind; handle: string } | null {
  if (!ARDEN_AGENT_PATTERN.test(agent)) return null
  const dash = agent.indexOf('-')
  const hex = dash === -1 ? agent : agent.slice(dash + 1)
  const prefix = dash === -1 ? '' : agent[0]!.toLowerCase()
  const kind: AgentKind = prefix === 'a' ? 'real' : prefix === 's' ? 'simulated' : 'unspecified'
  return { kind, handle: hex.toLowerCase().padStart(8, '0') }
}

const safeInt = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer')

/** A valid event as stored: the spec's fields with `bid` defaulted, `user` filled and the agent parsed. */
export interface ArdenEvent {
  agent: string
  agentKind: AgentKind
  agentHandle: string
  user: string
  bid: number
  time: number
  mult?: number
  data: Record<string, string | number> | string
}

export type ArdenCheck =
  | { ok: true; event: ArdenEvent }
  | { ok: false; error: Exclude<ArdenErrorCode, 'unknown_agent'>; message: string }

const fail = (error: Exclude<ArdenErrorCode, 'unknown_agent'>, message: string): ArdenCheck => ({
  ok: false,
  error,
  message,
})

const REQUIRED = ['agent', 'time', 'data'] as const

/**
 * Validates one event. `tokenUser` is the ULID of the caller's API key, when a valid one was
 * given; it fills a missing `user`. Unknown fields are ignored (the spec defines no others).
 */
export function validateArdenEvent(raw: unknown, tokenUser?: string): ArdenCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('validation_error', 'an event must be a JSON object')
  }
  const e = raw as Record<string, unknown>
  const missing = REQUIRED.filter((k) => e[k] === undefined)
  if (missing.length) return fail('missing_required_field', `missing: ${missing.join(', ')}`)

  if (typeof e['agent'] !== 'string') return fail('validation_error', 'agent must be a string')
  const agent = parseAgentRef(e['agent'])
  if (!agent) return fail('validation_error', 'agent must match ^(?:[aAsS]-)?[0-9a-fA-F]{1,8}$')

  // Absent means 0; null is not an integer.
  const bid = e['bid'] === undefined ? 0 : e['bid']
  if (!safeInt.safeParse(bid).success || (bid as number) < 0) {
    return fail('validation_error', 'bid must be a non-negative integer (micro-cents)')
  }
  const time = e['time']
  if (!safeInt.safeParse(time).success || (time as number) < 0 || (time as number) > MAX_EPOCH_MS) {
    return fail(
      'validation_error',
      'time must be integer epoch milliseconds (UTC), up to year 9999',
    )
  }
  const mult = e['mult']
  if (mult !== undefined && !safeInt.safeParse(mult).success) {
    return fail('validation_error', 'mult must be an integer')
  }

  const data = checkData(e['data'])
  if (!data.ok) return data

  const user = e['user'] === undefined ? tokenUser : e['user']
  if (user === undefined) return fail('invalid_user', 'user is required without a valid token')
  if (typeof user !== 'string' || !ULID_PATTERN.test(user)) {
    return fail('invalid_user', 'user must be a ULID (26 Crockford base32 chars)')
  }

  const event: ArdenEvent = {
    agent: e['agent'],
    agentKind: agent.kind,
    agentHandle: agent.handle,
    user: user.toUpperCase(),
    bid: bid as number,
    time: time as number,
    data: data.value,
  }
  if (mult !== undefined) event.mult = mult as number
  return { ok: true, event }
}

type DataCheck =
  | { ok: true; value: ArdenEvent['data'] }
  | { ok: false; error: 'validation_error' | 'bad_data_size'; message: string }

function checkData(data: unknown): DataCheck {
  if (typeof data === 'string') {
    if (!BASE64_PATTERN.test(data)) {
      return { ok: false, error: 'validation_error', message: 'data string must be base64' }
    }
    const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0
    const decoded = (data.length / 4) * 3 - padding
    if (decoded > ARDEN_MAX_DATA_BYTES) {
      return {
        ok: false,
        error: 'bad_data_size',
        message: `data decodes to ${decoded} bytes; the limit is 1024`,
      }
    }
    return { ok: true, value: data }
  }
  if (!isFlat(data)) {
    return {
      ok: false,
      error: 'validation_error',
      message: 'data must be flat key/value pairs of strings or integers, or a base64 string',
    }
  }
  const unstorable = unstorableReason(data)
  if (unstorable) return { ok: false, error: 'validation_error', message: `data: ${unstorable}` }
  const size = utf8Length(JSON.stringify(data))
  if (size > ARDEN_MAX_DATA_BYTES) {
    return {
      ok: false,
      error: 'bad_data_size',
      message: `data is ${size} bytes of JSON; the limit is 1024`,
    }
  }
  return { ok: true, value: data }
}

// By hand rather than with a zod record: this runs for every event on ingest's hot path, and
// a loop over the values is several times cheaper than a parse that copies the object.
function isFlat(data: unknown): data is Record<string, string | number> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false
  for (const v of Object.values(data)) {
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isSafeInteger(v))) return false
  }
  return true
}

/** UTF-8 length of a string without encoding it (JSON text has no lone surrogates). */
function utf8Length(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4
      i++
    } else n += 3
  }
  return n
}

/** A body is one event or an array of 1–100; anything else fails as a whole. */
export type ArdenBody =
  | { ok: true; events: unknown[] }
  | { ok: false; code: 'EMPTY_BATCH' | 'TOO_MANY_EVENTS' | 'INVALID_BODY'; message: string }

export function splitArdenBody(body: unknown): ArdenBody {
  if (Array.isArray(body)) {
    if (body.length === 0)
      return { ok: false, code: 'EMPTY_BATCH', message: 'the array holds no events' }
    if (body.length > ARDEN_MAX_BATCH) {
      return {
        ok: false,
        code: 'TOO_MANY_EVENTS',
        message: `${body.length} events; at most ${ARDEN_MAX_BATCH} per request`,
      }
    }
    return { ok: true, events: body }
  }
  if (typeof body === 'object' && body !== null) return { ok: true, events: [body] }
  return {
    ok: false,
    code: 'INVALID_BODY',
    message: 'the body must be an event object or an array of events',
  }
}

export const ArdenRejection = z.object({
  index: z.number().int(),
  error: z.enum(ARDEN_ERROR_CODES),
})

/** The one response shape for 200, 207 and 400: `event_ids` are the accepted, in request order. */
export const ArdenResponse = z.object({
  status: z.enum(['accepted', 'partial', 'rejected']),
  accepted_count: z.number().int(),
  rejected_count: z.number().int(),
  rejected: z.array(ArdenRejection),
  event_ids: z.array(z.uuid()),
})
export type ArdenResponse = z.infer<typeof ArdenResponse>

/** The request-level status of a result: all accepted 200, some 207, none 400. */
export function batchStatus(
  accepted: number,
  rejected: number,
): { http: 200 | 207 | 400; status: ArdenResponse['status'] } {
  if (rejected === 0) return { http: 200, status: 'accepted' }
  if (accepted === 0) return { http: 400, status: 'rejected' }
  return { http: 207, status: 'partial' }
}
