import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { ulid } from 'ulid'
import type { ArdenResponse } from '@tessera/contracts'
import { newId, newSecret, sha256Hex } from '@tessera/service-kit'
import { eventually } from '@tessera/testing'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'
import { ardenEvent, rowOf } from '../testing/telemetry-fixtures.ts'

/** Arden v1 `user`: a ULID, filled from the Bearer key's user when missing. */

let h: IngestHarness
let key: TestKey
let agent: TestAgent

beforeAll(async () => {
  h = await IngestHarness.start()
  key = await h.org()
  agent = await h.agent(key.orgId)
})
afterAll(async () => {
  await h?.stop()
})

const send = (user: unknown, apiKey?: string) =>
  h.post<ArdenResponse>(
    '/api/events',
    ardenEvent(agent.handle, { user }),
    apiKey ? { key: apiKey } : {},
  )

/** A ULID with the char at `at` replaced. */
const withChar = (at: number, c: string) => {
  const u = ulid()
  return u.slice(0, at) + c + u.slice(at + 1)
}

describe('Arden v1 user', () => {
  it('accepts a valid ULID and stores it', async () => {
    const user = ulid()
    const res = await send(user)
    expect(res.status).toBe(200)
    expect((await rowOf(h, res.body.event_ids[0]!)).data['user']).toBe(user)
  })

  it('accepts a lowercase ULID (ULIDs are case-insensitive), stored in canonical uppercase', async () => {
    const user = ulid()
    const res = await send(user.toLowerCase())
    expect(res.status).toBe(200)
    expect((await rowOf(h, res.body.event_ids[0]!)).data['user']).toBe(user)
  })

  it.each([
    ['25 chars', ulid().slice(0, 25)],
    ['27 chars', `${ulid()}0`],
    ['an I (not Crockford base32)', withChar(10, 'I')],
    ['an L (not Crockford base32)', withChar(10, 'L')],
    ['an O (not Crockford base32)', withChar(10, 'O')],
    ['a U (not Crockford base32)', withChar(10, 'U')],
    ['a first char above 7 (beyond 128 bits)', withChar(0, '8')],
    ['an empty string', ''],
    ['a number', 12345],
  ])('rejects a user with %s as invalid_user, even with a valid key', async (_, user) => {
    const res = await send(user, key.apiKey)
    expect(res.status).toBe(400)
    expect(res.body.rejected).toEqual([{ index: 0, error: 'invalid_user' }])
  })

  it("fills a missing user from the key's user", async () => {
    const res = await send(undefined, key.apiKey)
    expect(res.status).toBe(200)
    expect((await rowOf(h, res.body.event_ids[0]!)).data['user']).toBe(key.userId)
  })

  it('rejects a missing user without a key as invalid_user', async () => {
    const res = await send(undefined)
    expect(res.status).toBe(400)
    expect(res.body.rejected).toEqual([{ index: 0, error: 'invalid_user' }])
  })

  it.each([
    ['an unknown key', 'tsk_live_thiskeywasneverissued000000'],
    ['a malformed token', 'not-a-key'],
  ])(
    'rejects a missing user with %s as invalid_user (an invalid token counts as none)',
    async (_, token) => {
      const res = await send(undefined, token)
      expect(res.status).toBe(400)
      expect(res.body.rejected).toEqual([{ index: 0, error: 'invalid_user' }])
    },
  )

  it("keeps an explicit user over the key's", async () => {
    const user = ulid()
    expect(user).not.toBe(key.userId)
    const res = await send(user, key.apiKey)
    expect(res.status).toBe(200)
    expect((await rowOf(h, res.body.event_ids[0]!)).data['user']).toBe(user)
  })

  it('fills the user of each event of a batch on its own', async () => {
    const explicit = ulid()
    const res = await h.post<ArdenResponse>(
      '/api/events',
      [ardenEvent(agent.handle, { user: explicit }), ardenEvent(agent.handle)],
      { key: key.apiKey },
    )
    expect(res.status).toBe(200)
    const users = await Promise.all(
      res.body.event_ids.map(async (id) => (await rowOf(h, id)).data['user']),
    )
    expect(users).toEqual([explicit, key.userId])
  })

  it('rejects a missing user as invalid_user when the valid key acts for no user', async () => {
    const apiKey = newSecret('tsk_live_')
    await h.guardian([
      {
        type: 'ApiKeyIssued',
        streamId: `org-${key.orgId}`,
        data: {
          keyId: newId('key'),
          orgId: key.orgId,
          prefix: apiKey.slice(0, 12),
          keyHash: sha256Hex(apiKey),
          role: 'member',
          issuedAt: new Date().toISOString(),
        },
      },
    ])
    await eventually(
      async () => (await h.count('api_keys', sql`key_hash = ${sha256Hex(apiKey)}`)) || undefined,
    )
    const res = await send(undefined, apiKey)
    expect(res.status).toBe(400)
    expect(res.body.rejected).toEqual([{ index: 0, error: 'invalid_user' }])
    // the key is valid: with a user, the same event is accepted under the key's org
    expect((await send(ulid(), apiKey)).status).toBe(200)
  })
})
