import { CliError } from './cli-error.ts'

/** The events of an input file; `lines[i]` is the 1-based line of event `i`, for NDJSON only. */
export interface EventSource {
  events: unknown[]
  lines?: number[]
}

/**
 * Reads a JSON array of events, one JSON event object, or NDJSON (one event per line). Only
 * the file's syntax is checked here: an element that is not a valid event is still an event,
 * and is reported per event, as the server would.
 */
export function parseEventsText(text: string, source: string): EventSource {
  const body = text.replace(/^\uFEFF/, '')
  if (body.trim() === '') throw new CliError(`${source}: no events (the input is empty)`)

  const whole = tryParse(body)
  if (whole.ok) {
    if (Array.isArray(whole.value)) {
      if (whole.value.length === 0) throw new CliError(`${source}: no events (the array is empty)`)
      return { events: whole.value }
    }
    if (typeof whole.value === 'object' && whole.value !== null) return { events: [whole.value] }
    throw new CliError(
      `${source}: expected a JSON array of events, one JSON event object, or NDJSON`,
    )
  }

  const lines = body
    .split(/\r?\n/)
    .map((text, i) => ({ text, line: i + 1 }))
    .filter((l) => l.text.trim() !== '')
  // Only read it as NDJSON when its first line stands alone: otherwise it is one broken JSON
  // document, and the whole-document error points at the real mistake.
  const first = lines[0]
  if (lines.length < 2 || first === undefined || !tryParse(first.text).ok) {
    throw new CliError(`${source}: not valid JSON: ${whole.error}`)
  }
  const events: unknown[] = []
  for (const { text, line } of lines) {
    const parsed = tryParse(text)
    if (!parsed.ok) throw new CliError(`${source} line ${line}: not valid JSON: ${parsed.error}`)
    events.push(parsed.value)
  }
  return { events, lines: lines.map((l) => l.line) }
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string }

function tryParse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  }
}

/** A request's worth of events and where the first of them sits in the input. */
export interface Chunk {
  offset: number
  events: unknown[]
}

export function chunkEvents(events: readonly unknown[], size: number): Chunk[] {
  const chunks: Chunk[] = []
  for (let offset = 0; offset < events.length; offset += size) {
    chunks.push({ offset, events: events.slice(offset, offset + size) })
  }
  return chunks
}
