import type { RoomExport, TesseraClient, TrustProfile } from '@tessera/sdk'

// Scoring and the pact's room learn of a trade over the bus, a moment after the API answered.

/** Reads with `read` every 200 ms until `done` holds, for up to `timeoutMs`. */
async function readUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  failure: (last: T) => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(failure(value))
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Reads the trust profile until `ready` holds: scoring learns of events over the bus. */
export async function waitForProfile(
  client: TesseraClient,
  id: string,
  ready: (profile: TrustProfile) => boolean,
  timeoutMs: number,
): Promise<TrustProfile> {
  const profile = await readUntil(
    () => client.trust.get(id).catch(() => undefined),
    (p) => p !== undefined && ready(p),
    timeoutMs,
    (p) => `trust profile of ${id} not ready after ${timeoutMs} ms: ${JSON.stringify(p ?? null)}`,
  )
  return profile!
}

/** Exports the pact's room until it holds an entry of `type` (e.g. `EscrowReleased`). */
export function waitForRoomEntry(
  client: TesseraClient,
  pactId: string,
  type: string,
  timeoutMs: number,
): Promise<RoomExport> {
  return readUntil(
    () => client.rooms.export(pactId),
    (room) => room.entries.some((e) => e.type === type),
    timeoutMs,
    () => `room ${pactId} has no ${type} after ${timeoutMs} ms`,
  )
}
