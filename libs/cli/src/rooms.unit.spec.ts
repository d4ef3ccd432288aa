import { describe, expect, it } from 'vitest'
import type { RoomEntry, RoomExport, TesseraKeySet } from '@tessera/contracts'
import {
  ROOM_GENESIS_HASH,
  ed25519PublicKeyOf,
  generateEd25519KeyPair,
  roomEntryHash,
  signRoomCheckpoint,
} from '@tessera/crypto'
import { main } from './cli.ts'
import { memoryIo } from './testing/memory-io.ts'
import type { MemoryIoOptions } from './testing/memory-io.ts'

const pactId = 'pact_0123456789abcdefghjkmnpqrs'
const key = generateEd25519KeyPair()
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const keySet = (secret = key.secretKey): TesseraKeySet => ({
  keys: [
    {
      keyId: 'k1',
      alg: 'Ed25519',
      publicKey: hex(ed25519PublicKeyOf(secret)),
      status: 'active',
      createdAt: '2026-12-01T00:00:00.000Z',
    },
  ],
})

function room(n: number): RoomExport {
  const entries: RoomEntry[] = []
  let prevHash = ROOM_GENESIS_HASH
  for (let seq = 1; seq <= n; seq++) {
    const e = {
      roomId: pactId,
      seq,
      eventId: `e${seq}`,
      context: 'pacts',
      type: 'ExecutionFailureReported',
      data: { pactId, failureReason: `r${seq}` },
      occurredAt: '2026-12-06T12:00:00.000Z',
      prevHash,
    }
    prevHash = roomEntryHash(e)
    entries.push({ ...e, entryHash: prevHash })
  }
  const body = {
    roomId: pactId,
    entryCount: n,
    headHash: prevHash,
    signedAt: '2026-12-06T12:01:00.000Z',
  }
  return {
    roomId: pactId,
    pactId,
    exportedAt: '2026-12-06T13:00:00.000Z',
    entries,
    checkpoints: [{ ...body, keyId: 'k1', signature: signRoomCheckpoint(body, key.secretKey) }],
    keys: keySet(),
  }
}

/** A pacts server in a fetch: pages of `page` entries, and the key set. */
function serving(r: RoomExport, page = 2): typeof fetch {
  return (input) => {
    const url = new URL(String(input instanceof Request ? input.url : input))
    if (url.pathname === '/.well-known/tessera-keys.json') return json(keySet())
    if (url.pathname !== `/v1/rooms/${pactId}`) return json({ code: 'NOT_FOUND' }, 404)
    const after = Number(url.searchParams.get('cursor') ?? 0)
    const entries = r.entries.filter((e) => e.seq > after).slice(0, page)
    const more = r.entries.length > after + entries.length
    return json({
      roomId: pactId,
      pactId,
      entryCount: r.entries.length,
      headHash: r.entries.at(-1)!.entryHash,
      entries,
      checkpoints: r.checkpoints,
      nextCursor: more ? String(entries.at(-1)!.seq) : null,
    })
  }
}

function json(body: unknown, status = 200) {
  return Promise.resolve(
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  )
}

async function run(args: string[], io: MemoryIoOptions = {}) {
  const memory = memoryIo({ env: { TESSERA_API_KEY: 'tsk_live_test' }, ...io })
  const code = await main(args, memory)
  return { code, out: memory.stdoutText(), err: memory.stderrText() }
}

describe('tessera rooms', () => {
  it('verifies an exported file, offline', async () => {
    const r = await run(['rooms', 'verify', '--file', 'room.json'], {
      files: { 'room.json': JSON.stringify(room(5)) },
      fetch: () => Promise.reject(new Error('no network')),
    })
    expect(r.code).toBe(0)
    expect(r.out).toContain(`room ${pactId}: valid`)
    expect(r.out).toContain('entries 1–5 signed')
  })

  it('names the first tampered entry, and exits 1', async () => {
    const r5 = room(5)
    r5.entries[2] = { ...r5.entries[2]!, data: { pactId, failureReason: 'edited' } }
    const r = await run(['rooms', 'verify', '--file', 'room.json', '--json'], {
      files: { 'room.json': JSON.stringify(r5) },
    })
    expect(r.code).toBe(1)
    expect(JSON.parse(r.out)).toMatchObject({
      valid: false,
      problem: { code: 'ENTRY_HASH_MISMATCH', seq: 3 },
    })
  })

  it('fetches every page and the key set, and verifies', async () => {
    const r = await run(['rooms', 'verify', pactId, '--url', 'http://pacts.test'], {
      fetch: serving(room(5)),
    })
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toContain('keys: the export (as fetched)')
  })

  it('refuses checkpoints when the pinned keys are not the ones that signed them', async () => {
    const other = generateEd25519KeyPair()
    const r = await run(['rooms', 'verify', pactId, '--keys', 'keys.json', '--url', 'http://x'], {
      fetch: serving(room(4)),
      files: { 'keys.json': JSON.stringify(keySet(other.secretKey)) },
    })
    expect(r.code).toBe(1)
    expect(r.out).toContain('CHECKPOINT_BAD_SIGNATURE')
    expect(r.out).toContain('keys: keys.json')
  })

  it('exports the whole room, every page joined, with the key set', async () => {
    const r = await run(['rooms', 'export', pactId, '--url', 'http://pacts.test'], {
      fetch: serving(room(5)),
    })
    expect(r.code).toBe(0)
    const exported = JSON.parse(r.out) as RoomExport
    expect(exported.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
    expect(exported.keys).toEqual(keySet())
  })

  it('says what is wrong with its usage or input, and exits 2', async () => {
    expect((await run(['rooms', 'verify'])).code).toBe(2)
    const notJson = await run(['rooms', 'verify', '--file', 'x'], { files: { x: 'nope' } })
    expect(notJson).toMatchObject({ code: 2, err: 'tessera: x: not JSON\n' })
    const unknown = await run(['rooms', 'verify', 'pact_x', '--url', 'http://x'], {
      fetch: serving(room(1)),
    })
    expect(unknown.code).toBe(2)
    expect(unknown.err).toContain('NOT_FOUND')
  })
})
