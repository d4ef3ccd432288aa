import { afterAll, expect, it } from 'vitest'
import { sql } from 'kysely'
import { generateEd25519KeyPair } from '@tessera/crypto'
import { TesseraClient } from '@tessera/sdk'
import { type RunningService, newId, runService } from '@tessera/service-kit'
import { type InProcessService, eventually, seedApiKey, startInProcess } from '@tessera/testing'
import { pacts } from '../service.ts'
import { RoomKeyring } from './room-keyring.ts'
import { appendToPact, pactStory } from './testing/room-fixtures.ts'

let svc: InProcessService | undefined
let restarted: RunningService | undefined
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

afterAll(async () => {
  delete process.env['PACTS_SIGNING_KEYS']
  await restarted?.stop()
  await svc?.stop()
})

async function checkpointKeys(s: InProcessService, pactId: string, n: number) {
  return eventually(
    async () => {
      const { rows } = await sql<{ key_id: string }>`select key_id
        from ${sql.id(s.schema)}.room_checkpoints where room_id = ${pactId}
        order by entry_count`.execute(s.db)
      return rows.length >= n ? rows.map((r) => r.key_id) : undefined
    },
    { what: `${n} checkpoints` },
  )
}

it('rotates the checkpoint key: the old one stays published, and old checkpoints still verify', async () => {
  svc = await startInProcess(pacts, { env: { PACTS_ROOM_CHECKPOINT_EVERY: '2' } })
  const orgA = newId('org')
  const key = await seedApiKey(svc, orgA, 'member')
  const pactId = newId('pact')
  const story = pactStory(pactId, orgA, newId('org'))
  await appendToPact(svc, pactId, [story.proposed(), story.accepted()])
  const [devKey] = await checkpointKeys(svc, pactId, 1)
  expect(devKey).toMatch(/^pacts-dev-[0-9a-f]{12}$/)

  // the operator configures a key and restarts pacts on the same schema
  const next = generateEd25519KeyPair()
  process.env['PACTS_SIGNING_KEYS'] = `k-2026-12:${hex(next.secretKey)}`
  await svc.service.stop()
  restarted = await runService({ ...pacts, name: svc.schema })
  const client = new TesseraClient({ baseUrl: restarted.url, apiKey: key })
  const keys = await client.rooms.keys()
  expect(keys.keys.map((k) => [k.keyId, k.status, k.publicKey])).toEqual([
    ['k-2026-12', 'active', hex(next.publicKey)],
    [devKey, 'retired', expect.stringMatching(/^[0-9a-f]{64}$/)],
  ])
  expect(keys.keys[1]!.retiredAt).toBeDefined()

  expect(restarted.app.get(RoomKeyring).signingKey().keyId).toBe('k-2026-12')
  await appendToPact({ service: restarted }, pactId, [story.violated(), story.failed()])
  expect(await checkpointKeys(svc, pactId, 2)).toEqual([devKey, 'k-2026-12'])
  expect(await client.rooms.verify(pactId)).toMatchObject({ valid: true, signedEntries: 4 })
})

it('refuses to start with a configured key id that is already another key’s', async () => {
  const clash = new RoomKeyring(svc!.db, svc!.schema, {
    PACTS_SIGNING_KEYS: [
      { keyId: 'k-2026-12', secretKeyHex: hex(generateEd25519KeyPair().secretKey) },
    ],
  })
  await expect(clash.onModuleInit()).rejects.toThrow(/k-2026-12 is already another key/)
})
