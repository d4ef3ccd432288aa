import { TELEMETRY_MAX_BATCH, splitArdenBody } from '@tessera/contracts'

/** What an intake message holds, or why it is refused as a whole. */
export type IntakeMessage =
  | { ok: true; protocol: 'arden'; events: unknown[] }
  | { ok: true; protocol: 'telemetry'; events: unknown[]; batchId?: string }
  | { ok: false; code: string; message: string }

/**
 * Reads an intake message: `<root>.intake.arden[.…]` carries an Arden v1 body (one event or
 * 1–100); `<root>.intake.telemetry[.…]` a telemetry batch `{batchId?, events}`, an array of
 * events or one event. `root` is `tessera`, or a test prefix's root.
 */
export function readIntakeMessage(root: string, subject: string, text: string): IntakeMessage {
  const tokens = subject.slice(root.length + 1).split('.')
  const protocol = tokens[0] === 'intake' ? tokens[1] : undefined
  if (protocol !== 'arden' && protocol !== 'telemetry') {
    return {
      ok: false,
      code: 'UNKNOWN_INTAKE_SUBJECT',
      message: `publish to ${root}.intake.arden or ${root}.intake.telemetry`,
    }
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { ok: false, code: 'MALFORMED_JSON', message: 'the message is not valid JSON' }
  }
  if (protocol === 'arden') {
    const split = splitArdenBody(body)
    return split.ok
      ? { ok: true, protocol, events: split.events }
      : { ok: false, code: split.code, message: split.message }
  }
  return readTelemetry(body)
}

function readTelemetry(body: unknown): IntakeMessage {
  let events: unknown[]
  let batchId: string | undefined
  if (Array.isArray(body)) {
    events = body
  } else if (
    typeof body === 'object' &&
    body !== null &&
    Array.isArray((body as { events?: unknown }).events)
  ) {
    const b = body as { events: unknown[]; batchId?: unknown }
    events = b.events
    if (b.batchId !== undefined) {
      if (typeof b.batchId !== 'string' || b.batchId.length === 0 || b.batchId.length > 128) {
        return {
          ok: false,
          code: 'VALIDATION_ERROR',
          message: 'batchId must be a string of 1–128 chars',
        }
      }
      batchId = b.batchId
    }
  } else if (typeof body === 'object' && body !== null) {
    events = [body]
  } else {
    return {
      ok: false,
      code: 'VALIDATION_ERROR',
      message: 'expected a batch, an array of events or an event',
    }
  }
  if (events.length === 0)
    return { ok: false, code: 'EMPTY_BATCH', message: 'the batch holds no events' }
  if (events.length > TELEMETRY_MAX_BATCH) {
    return {
      ok: false,
      code: 'TOO_MANY_EVENTS',
      message: `at most ${TELEMETRY_MAX_BATCH} events per message`,
    }
  }
  return batchId === undefined
    ? { ok: true, protocol: 'telemetry', events }
    : { ok: true, protocol: 'telemetry', events, batchId }
}
