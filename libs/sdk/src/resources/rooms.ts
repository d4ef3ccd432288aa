import type { RoomExport, RoomPage, RoomPageRequest, TesseraKeySet } from '@tessera/contracts'
import { type RoomKeySet, type RoomVerification, verifyRoom } from '@tessera/crypto'
import type { HttpClient } from '../http.ts'
import { segment } from '../http.ts'

/** How `verify` gets the keys: the server's key set by default, or one the caller pinned. */
export type RoomVerifyOptions = { keys?: RoomKeySet }

/** `client.rooms`: a pact's room ledger, for the orgs of its two parties. */
export class RoomsResource {
  constructor(private readonly http: HttpClient) {}

  /** One page of entries (oldest first) and every checkpoint. */
  get(pactId: string, request: RoomPageRequest = {}): Promise<RoomPage> {
    const { limit, cursor } = request
    return this.http.request({
      method: 'GET',
      path: `/v1/rooms/${segment(pactId)}`,
      query: { limit, cursor },
    })
  }

  /** The public keys that sign checkpoints (`/.well-known/tessera-keys.json`). */
  keys(): Promise<TesseraKeySet> {
    return this.http.request({ method: 'GET', path: '/.well-known/tessera-keys.json' })
  }

  /** The whole room, every page, with the key set: what `tessera rooms export` writes. */
  async export(pactId: string): Promise<RoomExport> {
    const entries: RoomPage['entries'] = []
    let page = await this.get(pactId, { limit: 1000 })
    entries.push(...page.entries)
    while (page.nextCursor !== null) {
      page = await this.get(pactId, { limit: 1000, cursor: page.nextCursor })
      entries.push(...page.entries)
    }
    return {
      roomId: page.roomId,
      pactId: page.pactId,
      exportedAt: new Date().toISOString(),
      entries,
      // the last page's: taken after every entry, so none signs an entry not fetched
      checkpoints: page.checkpoints,
      keys: await this.keys(),
    }
  }

  /**
   * Fetches the whole room and checks it with {@link verifyRoom}: chain and checkpoint
   * signatures, computed here. Pin `keys` to trust no key set the server serves.
   */
  async verify(pactId: string, options: RoomVerifyOptions = {}): Promise<RoomVerification> {
    const room = await this.export(pactId)
    return verifyRoom(room, options.keys ?? room.keys ?? { keys: [] })
  }
}
