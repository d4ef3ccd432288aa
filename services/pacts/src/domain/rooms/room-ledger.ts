import { EVENT_REGISTRY, type Envelope, RoomEventRecorded } from '@tessera/contracts'
import { ROOM_GENESIS_HASH, type RoomChainEntry, roomEntryHash } from '@tessera/crypto'

// A pact's room: the hash-chained record of what happened under it (docs/rooms.md). Pure: the
// projection and the checkpointer bring the room's head and the clock.

/** What one event puts in a room, before it is chained. */
export interface RoomSource {
  pactId: string
  eventId: string
  context: string
  type: string
  data: unknown
  occurredAt: string
}

export interface RoomHead {
  entryCount: number
  headHash: string
}

export const EMPTY_ROOM: RoomHead = { entryCount: 0, headHash: ROOM_GENESIS_HASH }

const hasPactId = (data: unknown) => {
  const shape = (data as { shape?: Record<string, unknown> }).shape
  return shape !== undefined && 'pactId' in shape
}

/**
 * Pacts' own event types that make an entry in a room: every one whose data has a `pactId`,
 * read from the registry, so a new pacts event about a pact is recorded without a change here.
 */
export const ROOM_ENTRY_TYPES: readonly string[] = EVENT_REGISTRY.filter(
  (d) => d.context === 'pacts' && hasPactId(d.data),
).map((d) => d.type)

/** Events after which the pact is closed: its room gets a checkpoint at once. */
export const ROOM_CLOSING_EVENTS: ReadonlySet<string> = new Set([
  'pacts/PactRejected',
  'pacts/PactExpired',
  // the trade's settlement: a pact has at most one escrow, and each of these ends it
  'escrow/EscrowReleased',
  'escrow/EscrowRefunded',
  'escrow/EscrowSettled',
])

/**
 * The entry a stored pacts event makes: its own id, type, data and time, or, for a
 * `RoomEventRecorded`, those of the escrow, jury or scoring event it carries.
 */
export function roomSourceOf(event: Envelope): RoomSource | undefined {
  if (event.type === 'RoomEventRecorded') {
    const { pactId, source } = RoomEventRecorded.parse(event.data)
    return { pactId, ...source, occurredAt: isoMillis(source.occurredAt) }
  }
  if (!ROOM_ENTRY_TYPES.includes(event.type)) return undefined
  const pactId = (event.data as { pactId?: unknown }).pactId
  if (typeof pactId !== 'string') return undefined
  return {
    pactId,
    eventId: event.metadata.eventId,
    context: 'pacts',
    type: event.type,
    data: event.data,
    occurredAt: isoMillis(event.metadata.occurredAt),
  }
}

/** The orgs of the pact's buyer and seller, when the event names them. */
export function roomPartiesOf(data: unknown): { buyerOrgId?: string; sellerOrgId?: string } {
  const orgOf = (party: unknown) => {
    const orgId = (party as { orgId?: unknown } | undefined)?.orgId
    return typeof orgId === 'string' ? orgId : undefined
  }
  const d = data as { buyer?: unknown; seller?: unknown }
  const buyerOrgId = orgOf(d.buyer)
  const sellerOrgId = orgOf(d.seller)
  return { ...(buyerOrgId ? { buyerOrgId } : {}), ...(sellerOrgId ? { sellerOrgId } : {}) }
}

/**
 * The next entry of a room after `head`. The data is taken as the log stores it (JSON: no
 * `undefined` members), so the live append and a rebuild from the log hash the same bytes.
 */
export function chainEntry(head: RoomHead, source: RoomSource): RoomChainEntry {
  const entry = {
    roomId: source.pactId,
    seq: head.entryCount + 1,
    eventId: source.eventId,
    context: source.context,
    type: source.type,
    data: asStored(source.data),
    occurredAt: source.occurredAt,
    prevHash: head.headHash,
  }
  return { ...entry, entryHash: roomEntryHash(entry) }
}

/**
 * The entry counts a room should have a checkpoint at and has not: every multiple of `every`
 * up to its size, and `closedAt` (the seq of the entry that closed the pact) when given.
 */
export function checkpointsDue(opts: {
  entryCount: number
  every: number
  signed: readonly number[]
  closedAt?: number | undefined
}): number[] {
  const due = new Set<number>()
  for (let n = opts.every; n <= opts.entryCount; n += opts.every) due.add(n)
  if (opts.closedAt !== undefined && opts.closedAt <= opts.entryCount) due.add(opts.closedAt)
  for (const n of opts.signed) due.delete(n)
  return [...due].sort((a, b) => a - b)
}

/** Times as the room hashes them: `toISOString`, milliseconds, `Z`, as Postgres gives back. */
export function isoMillis(at: string): string {
  return new Date(at).toISOString()
}

function asStored(data: unknown): unknown {
  return data === undefined ? null : (JSON.parse(JSON.stringify(data)) as unknown)
}
