import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnyEnvelope } from '@tessera/contracts'
import { migrateSchema, type SchemaDb } from '@tessera/event-store'
import { pino } from 'pino'
import {
  eventually,
  freshSchema,
  metadataFor,
  testDatabaseUrl,
  type TestSchema,
} from '@tessera/testing'
import type { BaseEnv } from './config.ts'
import {
  ApiKeyCache,
  ApiKeyProjection,
  apiKeyMigrations,
  authenticateKey,
  recordApiKeyRevoked,
  sha256Hex,
} from './api-keys.ts'
import { newId, newSecret } from './ids.ts'

let t: TestSchema<unknown>
let db: SchemaDb
let projection: ApiKeyProjection

beforeAll(async () => {
  t = await freshSchema('service_kit_keys')
  db = t.db as SchemaDb
  await migrateSchema(db, t.schema, apiKeyMigrations(t.schema))
  projection = new ApiKeyProjection(t.schema)
})

afterAll(async () => {
  await t?.dispose()
})

const envelope = (type: string, data: unknown): AnyEnvelope => ({
  type,
  data,
  metadata: metadataFor('org-test'),
})

/** A key and the event guardian publishes for it. */
function issuedKey(role: 'admin' | 'member') {
  const apiKey = newSecret('tsk_live_')
  const data = {
    keyId: newId('key'),
    orgId: newId('org'),
    prefix: apiKey.slice(0, 12),
    keyHash: sha256Hex(apiKey),
    role,
    name: 'ci',
    issuedAt: new Date().toISOString(),
  }
  return { apiKey, data, header: `Bearer ${apiKey}` }
}

/** Guardian's ApiKeyRevoked for the key, through the projection. */
async function revoke(k: ReturnType<typeof issuedKey>) {
  const revoked = { keyId: k.data.keyId, orgId: k.data.orgId, revokedAt: new Date().toISOString() }
  await db.transaction().execute((tx) => projection.revoked(tx, envelope('ApiKeyRevoked', revoked)))
}

describe("the API-key projection every service runs on guardian's events", () => {
  it('accepts an issued key with its org and role, and refuses it once revoked', async () => {
    const k = issuedKey('member')
    expect(await authenticateKey(db, t.schema, k.header)).toBeNull()
    await db.transaction().execute((tx) => projection.issued(tx, envelope('ApiKeyIssued', k.data)))
    expect(await authenticateKey(db, t.schema, k.header)).toEqual({
      orgId: k.data.orgId,
      keyId: k.data.keyId,
      role: 'member',
    })

    await revoke(k)
    expect(await authenticateKey(db, t.schema, k.header)).toBeNull()
    // a redelivered ApiKeyIssued does not bring the key back
    await db.transaction().execute((tx) => projection.issued(tx, envelope('ApiKeyIssued', k.data)))
    expect(await authenticateKey(db, t.schema, k.header)).toBeNull()
  })

  it('revokes only the key named, as guardian does inline', async () => {
    const [a, b] = [issuedKey('admin'), issuedKey('admin')]
    for (const k of [a, b]) {
      await db
        .transaction()
        .execute((tx) => projection.issued(tx, envelope('ApiKeyIssued', k.data)))
    }
    await recordApiKeyRevoked(db, t.schema, {
      keyId: a.data.keyId,
      orgId: a.data.orgId,
      revokedAt: new Date().toISOString(),
    })
    expect(await authenticateKey(db, t.schema, a.header)).toBeNull()
    expect(await authenticateKey(db, t.schema, b.header)).toMatchObject({ role: 'admin' })
  })
})

/** Polls until `probe` holds; fails past 3 s, far above the milliseconds it takes. */
const until = (probe: () => boolean | Promise<boolean>, what: string) =>
  eventually(async () => ((await probe()) ? true : undefined), {
    timeoutMs: 3_000,
    intervalMs: 10,
    what,
  })

describe("a replica's API-key cache", () => {
  it('answers a key it has seen without a query, and drops it at the commit that revokes it', async () => {
    const config = { DATABASE_URL: testDatabaseUrl() } as BaseEnv
    const cache = new ApiKeyCache(config, db, t.schema, pino({ level: 'silent' }))
    await cache.onModuleInit()
    try {
      const k = issuedKey('member')
      await db
        .transaction()
        .execute((tx) => projection.issued(tx, envelope('ApiKeyIssued', k.data)))
      expect(await cache.find(k.data.keyHash)).toMatchObject({
        key_id: k.data.keyId,
        revoked_at: null,
      })
      // once the issue's own notification has gone by, a hit is answered synchronously: no
      // query is made (a load that raced a notification is answered, not kept)
      await until(() => !(cache.find(k.data.keyHash) instanceof Promise), 'a cached hit')
      expect(cache.find(k.data.keyHash)).toMatchObject({ key_id: k.data.keyId })

      await revoke(k)
      await until(
        async () => (await cache.find(k.data.keyHash))?.revoked_at != null,
        'the revocation',
      )
      // and a key issued after a miss was cached as unknown is found once it exists
      const late = issuedKey('admin')
      expect(await cache.find(late.data.keyHash)).toBeNull()
      await db
        .transaction()
        .execute((tx) => projection.issued(tx, envelope('ApiKeyIssued', late.data)))
      await until(async () => (await cache.find(late.data.keyHash)) !== null, 'the new key')
    } finally {
      await cache.onApplicationShutdown()
    }
  })
})
