/**
 * The part of a pact's room the judges read: what happened under the pact (its negotiation,
 * param-binding violations, failure reports) and under the escrow (lock, completion, dispute),
 * as jury saw those events on the PACTS and ESCROW streams. Each entry keeps the event's id, so
 * a party can match it against the signed room (`tessera rooms verify`), whose entries record
 * the same ids. Bulky or already-included fields (terms, deliverable, signatures) are left out.
 */
export interface RoomExcerptEntry {
  eventId: string
  context: 'pacts' | 'escrow'
  type: string
  occurredAt: string
  summary: Record<string, unknown>
}

/** At most this many entries, the latest, go into an evidence package. */
export const ROOM_EXCERPT_MAX_ENTRIES = 50
/** A longer string in a summary is cut to this many characters, with `…`. */
export const ROOM_EXCERPT_MAX_TEXT = 300

// in the package already (terms, deliverable, results) or of no use to a judge (signatures)
const LEFT_OUT = new Set([
  'terms',
  'deliverable',
  'evidence',
  'results',
  'executionMetrics',
  'signature',
  'buyerSignature',
  'sellerSignature',
])

/** An event's data as the excerpt keeps it: top-level fields, bulky ones out, long text cut. */
export function excerptSummary(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(data)) {
    if (LEFT_OUT.has(k)) continue
    out[k] =
      typeof v === 'string' && v.length > ROOM_EXCERPT_MAX_TEXT
        ? `${v.slice(0, ROOM_EXCERPT_MAX_TEXT)}…`
        : v
  }
  return out
}

/** The latest {@link ROOM_EXCERPT_MAX_ENTRIES} entries, oldest first, by time then event id. */
export function roomExcerpt(entries: readonly RoomExcerptEntry[]): RoomExcerptEntry[] {
  const at = (e: RoomExcerptEntry) => Date.parse(e.occurredAt)
  return [...entries]
    .sort((a, b) => at(a) - at(b) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0))
    .slice(-ROOM_EXCERPT_MAX_ENTRIES)
}
