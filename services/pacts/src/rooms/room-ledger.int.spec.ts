import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { jetstream } from '@nats-io/jetstream'
import { publishEnvelopes } from '@tessera/bus'
import type { RoomPage, TesseraKeySet } from '@tessera/contracts'
import { generateEd25519KeyPair, signRoomCheckpoint, verifyRoom } from '@tessera/crypto'
import { TesseraClient } from '@tessera/sdk'
import { newId } from '@tessera/service-kit'
import {
  type InProcessService,
  eventually,
  expectRebuildEqualsLive,
  metadataFor,
  seedApiKey,
  startInProcess,
} from '@tessera/testing'
import { pacts } from '../service.ts'
import { roomLedgerProjection } from './room-ledger.projection.ts'
import { appendToPact, pactStory } from './testing/room-fixtures.ts'

const EVERY = 3
let svc: InProcessService
const orgA = newId('org')
const orgB = newId('org')
const orgC = newId('org')
let keyA: string
let keyB: string
let keyC: string

beforeAll(async () => {
  svc = await startInProcess(pacts, { env: { PACTS_ROOM_CHECKPOINT_EVERY: String(EVERY) } })
  keyA = await seedApiKey(svc, orgA, 'member')
  keyB = await seedApiKey(svc, orgB, 'admin')
  keyC = await seedApiKey(svc, orgC, 'admin')
})

afterAll(async () => {
  await svc?.stop()
})

const client = (apiKey: string) => new TesseraClient({ baseUrl: svc.url, apiKey })

async function get(pactId: string, key: string, query = '') {
  const res = await fetch(`${svc.url}/v1/rooms/${pactId}${query}`, {
    headers: { authorization: `Bearer ${key}` },
  })
  return { status: res.status, body: (await res.json()) as RoomPage & { code?: string } }
}

async function checkpointsOf(pactId: string, atLeast: number) {
  return eventually(
    async () => {
      const { rows } = await sql<{ entry_count: number }>`select entry_count
        from ${sql.id(svc.schema)}.room_checkpoints where room_id = ${pactId}
        order by entry_count`.execute(svc.db)
      return rows.length >= atLeast ? rows.map((r) => r.entry_count) : undefined
    },
    { what: `${atLeast} checkpoints of ${pactId}` },
  )
}

/** A pact with five entries in its room (proposal … failure report), signed at 3. */
async function activePact() {
  const pactId = newId('pact')
  const story = pactStory(pactId, orgA, orgB)
  await appendToPact(svc, pactId, [
    story.proposed(),
    story.accepted(),
    story.violated(),
    story.failed(),
    story.violated('wire'),
  ])
  await checkpointsOf(pactId, 1)
  return { pactId, story }
}

describe('a pact’s room', () => {
  it('records every pacts event about the pact, chained, for both parties and no one else', async () => {
    const { pactId } = await activePact()
    for (const key of [keyA, keyB]) {
      const { status, body } = await get(pactId, key)
      expect(status).toBe(200)
      expect(body.entries.map((e) => [e.seq, e.context, e.type])).toEqual([
        [1, 'pacts', 'PactProposed'],
        [2, 'pacts', 'PactAccepted'],
        [3, 'pacts', 'ParamBindingViolated'],
        [4, 'pacts', 'ExecutionFailureReported'],
        [5, 'pacts', 'ParamBindingViolated'],
      ])
      expect(body).toMatchObject({ roomId: pactId, pactId, entryCount: 5 })
      expect(body.entries[0]!.prevHash).toBe('0'.repeat(64))
      expect(body.entries[1]!.prevHash).toBe(body.entries[0]!.entryHash)
    }
    const other = await get(pactId, keyC)
    expect(other.status).toBe(404)
    expect(other.body.code).toBe('NOT_FOUND')
    expect(JSON.stringify(other.body)).not.toContain('PactProposed')
    expect((await get(newId('pact'), keyA)).status).toBe(404)
  })

  it('pages oldest first with a bounded page size', async () => {
    const { pactId } = await activePact()
    const first = await get(pactId, keyA, '?limit=2')
    expect(first.body.entries.map((e) => e.seq)).toEqual([1, 2])
    const second = await get(pactId, keyA, `?limit=2&cursor=${first.body.nextCursor}`)
    expect(second.body.entries.map((e) => e.seq)).toEqual([3, 4])
    const last = await get(pactId, keyA, `?limit=2&cursor=${second.body.nextCursor}`)
    expect(last.body.entries.map((e) => e.seq)).toEqual([5])
    expect(last.body.nextCursor).toBeNull()
    for (const bad of ['?limit=1001', '?limit=0', '?cursor=abc', '?cursor=-1']) {
      const res = await get(pactId, keyA, bad)
      expect(res.status, bad).toBe(400)
      expect(res.body.code).toBe('VALIDATION_ERROR')
    }
  })

  it('signs a checkpoint every N entries that verifies offline with the published keys', async () => {
    const { pactId } = await activePact()
    const verification = await client(keyA).rooms.verify(pactId)
    expect(verification).toMatchObject({
      valid: true,
      entryCount: 5,
      signedEntries: EVERY,
      unsignedTail: 2,
    })
    const keys = await client(keyA).rooms.keys()
    expect(keys.keys).toHaveLength(1)
    expect(keys.keys[0]).toMatchObject({ alg: 'Ed25519', status: 'active' })
  })

  it('signs a checkpoint when the pact closes, whatever the count', async () => {
    const pactId = newId('pact')
    const story = pactStory(pactId, orgA, orgB)
    await appendToPact(svc, pactId, [story.proposed(), story.rejected()])
    expect(await checkpointsOf(pactId, 1)).toEqual([2])
    expect(await client(keyB).rooms.verify(pactId)).toMatchObject({
      valid: true,
      signedEntries: 2,
    })
  })

  it("signs a checkpoint at the escrow's settlement, so a settled trade is covered whole", async () => {
    // five entries, signed at 3 (every 3)
    const { pactId } = await activePact()
    const js = jetstream(svc.nc)
    const escrowEvent = (type: string, data: Record<string, unknown>) => ({
      type,
      data: { pactId, ...data },
      metadata: metadataFor(`escrow-${pactId}`),
    })
    // entry 6, signed by the count; then the release, entry 7: only the settlement signs there
    await publishEnvelopes(js, 'escrow', [escrowEvent('TestEscrowLocked', {})], svc.prefix)
    expect(await checkpointsOf(pactId, 2)).toEqual([3, 6])
    const released = escrowEvent('EscrowReleased', {
      escrowId: newId('esc'),
      amount: '10000000',
      sellerAmount: '9950000',
      fee: '50000',
      releasedAt: new Date().toISOString(),
    })
    await publishEnvelopes(js, 'escrow', [released], svc.prefix)
    expect(await checkpointsOf(pactId, 3)).toEqual([3, 6, 7])
    expect(await client(keyB).rooms.verify(pactId)).toMatchObject({
      valid: true,
      entryCount: 7,
      signedEntries: 7,
      unsignedTail: 0,
    })
  })

  it('names the entry changed in the database', async () => {
    const { pactId } = await activePact()
    const s = sql.id(svc.schema)
    await sql`update ${s}.room_entries
      set data = jsonb_set(data, '{failureReason}', '"it was fine"')
      where room_id = ${pactId} and seq = 4`.execute(svc.db)
    const v = await client(keyA).rooms.verify(pactId)
    expect(v.valid).toBe(false)
    expect(v.problem).toMatchObject({ code: 'ENTRY_HASH_MISMATCH', seq: 4 })
    // the rebuild test below compares the whole schema: put the row back
    await sql`update ${s}.room_entries
      set data = jsonb_set(data, '{failureReason}', '"source offline"')
      where room_id = ${pactId} and seq = 4`.execute(svc.db)
    expect((await client(keyA).rooms.verify(pactId)).valid).toBe(true)
  })

  it('refuses a checkpoint signed by another key', async () => {
    const { pactId } = await activePact()
    const s = sql.id(svc.schema)
    const page = (await get(pactId, keyA)).body
    const real = page.checkpoints[0]!
    const intruder = generateEd25519KeyPair()
    const body = { ...real, signedAt: new Date().toISOString() }
    await sql`update ${s}.room_checkpoints
      set signature = ${signRoomCheckpoint(body, intruder.secretKey)}, signed_at = ${body.signedAt}
      where room_id = ${pactId} and entry_count = ${real.entryCount}`.execute(svc.db)
    const v = await client(keyA).rooms.verify(pactId)
    expect(v.problem).toMatchObject({
      code: 'CHECKPOINT_BAD_SIGNATURE',
      checkpoint: { entryCount: EVERY, keyId: real.keyId },
    })
    // and one under a key id the server never published
    const keys: TesseraKeySet = await client(keyA).rooms.keys()
    const forged = { ...page, checkpoints: [{ ...body, keyId: 'intruder', signature: 'f' }] }
    expect(verifyRoom(forged, keys).problem).toMatchObject({ code: 'CHECKPOINT_UNKNOWN_KEY' })
    await sql`update ${s}.room_checkpoints set signature = ${real.signature},
        signed_at = ${real.signedAt}
      where room_id = ${pactId} and entry_count = ${real.entryCount}`.execute(svc.db)
  })

  it('records escrow, jury and scoring events that name the pact, in their place', async () => {
    const { pactId } = await activePact()
    const js = jetstream(svc.nc)
    const envelope = (type: string, data: unknown) => ({
      type,
      data,
      metadata: metadataFor(`escrow-${pactId}`),
    })
    // no such escrow event exists yet: any type of these contexts with data.pactId is recorded
    const locked = envelope('TestEscrowLocked', { pactId, amount: '500000000' })
    await publishEnvelopes(js, 'escrow', [locked], svc.prefix)
    await publishEnvelopes(js, 'jury', [envelope('TestDisputeOpened', { pactId })], svc.prefix)
    // an unknown pact, and an event naming none, are not recorded anywhere
    await publishEnvelopes(
      js,
      'scoring',
      [envelope('TestScored', { pactId: newId('pact') }), envelope('ScoreChanged', {})],
      svc.prefix,
    )
    const page = await eventually(
      async () => {
        const p = (await get(pactId, keyA)).body
        return p.entries.length >= 7 ? p : undefined
      },
      { what: 'escrow and jury entries' },
    )
    const foreign = page.entries.filter((e) => e.context !== 'pacts')
    expect(foreign.map((e) => [e.context, e.type])).toEqual(
      expect.arrayContaining([
        ['escrow', 'TestEscrowLocked'],
        ['jury', 'TestDisputeOpened'],
      ]),
    )
    const escrowEntry = foreign.find((e) => e.context === 'escrow')!
    expect(escrowEntry).toMatchObject({
      eventId: locked.metadata.eventId,
      data: { pactId, amount: '500000000' },
      occurredAt: locked.metadata.occurredAt,
    })
    // the 6th entry is now signed too, and the whole room verifies
    await checkpointsOf(pactId, 2)
    expect(await client(keyA).rooms.verify(pactId)).toMatchObject({ valid: true, entryCount: 7 })
    const { rows } = await sql<{ n: number }>`select count(*)::int as n
      from ${sql.id(svc.schema)}.room_entries where context = 'scoring'`.execute(svc.db)
    expect(rows[0]!.n).toBe(0)
  })

  it('chains concurrent appends to one room one at a time', async () => {
    const pactId = newId('pact')
    const story = pactStory(pactId, orgA, orgB)
    await appendToPact(svc, pactId, [story.proposed()])
    // twenty writers, each on a stream of its own (as the pact, telemetry and the feeds are)
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        appendToPact(svc, pactId, [story.violated(`tool_${i}`)], `writer-${i}-${pactId}`),
      ),
    )
    const page = (await get(pactId, keyA)).body
    expect(page.entries.map((e) => e.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1))
    await checkpointsOf(pactId, 7)
    expect(await client(keyA).rooms.verify(pactId)).toMatchObject({
      valid: true,
      signedEntries: 21,
    })
  })

  it('rebuilds from the log to the same entries, hashes and checkpoints', async () => {
    const counts = await expectRebuildEqualsLive(svc.db, svc.schema, [roomLedgerProjection])
    expect(counts['room_entries']).toBeGreaterThanOrEqual(30)
    expect(counts['room_checkpoints']).toBeGreaterThanOrEqual(8)
  })
})
