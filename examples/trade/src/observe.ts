import type { RoomExport, TesseraClient, TrustProfile } from '@tessera/sdk'

// Scoring and the pact's room learn of a trade over the bus, a moment after the API answered.

/** Reads the trust profile until `ready` holds: scoring learns of events over the bus. */
export async function waitForProfile(
  client: TesseraClient,
  id: string,
  ready: (profile: TrustProfile) => boolean,
  timeoutMs: number,
): Promise<TrustProfile> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const profile = await client.trust.get(id).catch(() => undefined)
    if (profile && ready(profile)) return profile
    if (Date.now() > deadline) {
      throw new Error(
        `trust profile of ${id} not ready after ${timeoutMs} ms: ${JSON.stringify(profile ?? null)}`,
      )
    }
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Exports the pact's room until it holds an entry of `type` (e.g. `EscrowReleased`). */
export async function waitForRoomEntry(
  client: TesseraClient,
  pactId: string,
  type: string,
  timeoutMs: number,
): Promise<RoomExport> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const room = await client.rooms.export(pactId)
    if (room.entries.some((e) => e.type === type)) return room
    if (Date.now() > deadline) {
      throw new Error(`room ${pactId} has no ${type} after ${timeoutMs} ms`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
}
