import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { ULID_PATTERN } from '@tessera/contracts'
import { sha256Hex } from '@tessera/service-kit'
import { GuardianHarness, type Json, callJson } from '../testing/guardian-harness.ts'

const TOKEN = 'keys-int-bootstrap-token'

let h: GuardianHarness
let orgA: { orgId: string; apiKey: string; keyId: string }
let orgB: { orgId: string; apiKey: string; keyId: string }

const call = (method: string, path: string, key?: string, body?: unknown) =>
  callJson(h.url, method, path, key, body)
const createOrg = async (name: string) => {
  const res = await call('POST', '/v1/orgs', TOKEN, { name })
  expect(res.status).toBe(201)
  return res.body as { orgId: string; apiKey: string; keyId: string }
}
/** Issues a key with `admin`; fails the test unless it is a 201. */
async function issue(admin: string, body: Json = {}) {
  const res = await call('POST', '/v1/keys', admin, body)
  expect(res.status).toBe(201)
  return res.body as { keyId: string; apiKey: string; role: string }
}
const works = async (key: string) => (await call('GET', '/v1/orgs/me', key)).status
const listed = async (key: string) => (await call('GET', '/v1/keys', key)).body['items'] as Json[]

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN)
  orgA = await createOrg('Keys A')
  orgB = await createOrg('Keys B')
})

afterAll(async () => {
  await h?.stop()
})

describe('API keys', () => {
  it('are issued by an admin key, shown once, and work at once', async () => {
    const res = await call('POST', '/v1/keys', orgA.apiKey, { name: ' ci-deploys ' })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      keyId: expect.stringMatching(/^key_[0-9a-z]{26}$/) as string,
      apiKey: expect.stringMatching(/^tsk_live_[A-Za-z0-9_-]{20,}$/) as string,
      prefix: String(res.body['apiKey']).slice(0, 12),
      role: 'member',
      name: 'ci-deploys',
      userId: expect.stringMatching(ULID_PATTERN) as string,
      createdAt: expect.any(String) as string,
    })
    expect(await works(String(res.body['apiKey']))).toBe(200)
    const admin = await issue(orgA.apiKey, { role: 'admin' })
    expect(admin.role).toBe('admin')
    expect(await works(admin.apiKey)).toBe(200)
  })

  it('are listed, newest first, to admin keys, never with the key or its hash', async () => {
    const member = await issue(orgA.apiKey, { name: 'lister' })
    const items = await listed(orgA.apiKey)
    expect(items[0]).toEqual({
      keyId: member.keyId,
      prefix: member.apiKey.slice(0, 12),
      role: 'member',
      name: 'lister',
      userId: expect.stringMatching(ULID_PATTERN) as string,
      status: 'active',
      createdAt: expect.any(String) as string,
      revokedAt: null,
    })
    expect(items.at(-1)).toMatchObject({ keyId: orgA.keyId, role: 'admin', name: null })
    const text = JSON.stringify(items)
    for (const secret of [member.apiKey, orgA.apiKey, sha256Hex(member.apiKey)]) {
      expect(text).not.toContain(secret)
    }
    // the event every service hears has the name and the hash, never the key
    const { rows } = await sql<{ data: Json }>`select data from ${sql.id(h.schema)}.events
      where type = 'ApiKeyIssued' and data->>'keyId' = ${member.keyId}`.execute(h.db)
    expect(rows[0]?.data).toMatchObject({ name: 'lister', keyHash: sha256Hex(member.apiKey) })
    expect(JSON.stringify(rows)).not.toContain(member.apiKey)
  })

  it.each(['member', 'approver'])(
    'are not issued, listed or revoked by a %s key: 403 AUTH_DENIED',
    async (role) => {
      const own = await issue(orgA.apiKey, { role })
      const other = await issue(orgA.apiKey)
      for (const res of [
        await call('POST', '/v1/keys', own.apiKey, { role: 'admin' }),
        await call('POST', '/v1/keys', own.apiKey, { role: 'nonsense' }),
        await call('GET', '/v1/keys', own.apiKey),
        await call('POST', `/v1/keys/${other.keyId}/revoke`, own.apiKey),
        await call('POST', `/v1/keys/${own.keyId}/revoke`, own.apiKey),
      ]) {
        expect(res).toMatchObject({
          status: 403,
          body: { code: 'AUTH_DENIED', details: { role, allowed: ['admin'] } },
        })
      }
      expect(await works(other.apiKey)).toBe(200)
      expect(await works(own.apiKey)).toBe(200)
    },
  )

  it('issue approver keys, for the humans who decide elevations', async () => {
    const approver = await issue(orgA.apiKey, { name: 'alice@company.com', role: 'approver' })
    expect(approver.role).toBe('approver')
    expect(await works(approver.apiKey)).toBe(200)
    expect((await listed(orgA.apiKey)).find((k) => k['keyId'] === approver.keyId)).toMatchObject({
      role: 'approver',
      name: 'alice@company.com',
      status: 'active',
    })
    const { rows } = await sql<{ data: Json }>`select data from ${sql.id(h.schema)}.events
      where type = 'ApiKeyIssued' and data->>'keyId' = ${approver.keyId}`.execute(h.db)
    expect(rows[0]?.data).toMatchObject({ role: 'approver' })
    // an approver key is not an admin key: it never keeps the org's last admin key company
    const org = await createOrg('Keys approver lockout')
    await issue(org.apiKey, { role: 'approver' })
    const self = await call('POST', `/v1/keys/${org.keyId}/revoke`, org.apiKey)
    expect(self).toMatchObject({ status: 409, body: { code: 'LAST_ADMIN_KEY' } })
  })

  it('are revoked at once: the next request with the key is a 401 AUTH_FAILED', async () => {
    const member = await issue(orgA.apiKey)
    expect(await works(member.apiKey)).toBe(200)
    const res = await call('POST', `/v1/keys/${member.keyId}/revoke`, orgA.apiKey)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      keyId: member.keyId,
      status: 'revoked',
      revokedAt: expect.any(String) as string,
    })
    const after = await call('GET', '/v1/keys', member.apiKey)
    expect(after).toEqual({
      status: 401,
      body: { code: 'AUTH_FAILED', message: expect.any(String) as string, details: {} },
    })
    const revoked = (await call('GET', '/v1/keys?status=revoked', orgA.apiKey)).body['items']
    expect(revoked).toContainEqual(res.body)
    expect(await listed(orgA.apiKey)).toContainEqual(res.body)
    expect((revoked as Json[]).every((k) => k['status'] === 'revoked')).toBe(true)
    const again = await call('POST', `/v1/keys/${member.keyId}/revoke`, orgA.apiKey)
    expect(again).toMatchObject({ status: 409, body: { code: 'KEY_REVOKED' } })
  })

  it("never revoke the org's last active admin key, so the org cannot lock itself out", async () => {
    const org = await createOrg('Keys lockout')
    await issue(org.apiKey) // member keys do not count
    const self = await call('POST', `/v1/keys/${org.keyId}/revoke`, org.apiKey)
    expect(self).toMatchObject({
      status: 409,
      body: { code: 'LAST_ADMIN_KEY', details: { key: org.keyId } },
    })
    expect(await works(org.apiKey)).toBe(200)

    const second = await issue(org.apiKey, { role: 'admin' })
    expect((await call('POST', `/v1/keys/${org.keyId}/revoke`, org.apiKey)).status).toBe(200)
    expect(await works(org.apiKey)).toBe(401)
    const last = await call('POST', `/v1/keys/${second.keyId}/revoke`, second.apiKey)
    expect(last).toMatchObject({ status: 409, body: { code: 'LAST_ADMIN_KEY' } })
    expect(await works(second.apiKey)).toBe(200)
  })

  it("are another org's business: not listed, and a 404 NOT_FOUND to revoke", async () => {
    const a = await issue(orgA.apiKey)
    const ids = (await listed(orgB.apiKey)).map((k) => k['keyId'])
    expect(ids).toContain(orgB.keyId)
    expect(ids).not.toContain(a.keyId)
    expect(ids).not.toContain(orgA.keyId)
    const res = await call('POST', `/v1/keys/${a.keyId}/revoke`, orgB.apiKey)
    expect(res).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', details: { key: a.keyId } },
    })
    expect(await works(a.apiKey)).toBe(200)
    const junk = await call('POST', '/v1/keys/not-a-key/revoke', orgB.apiKey)
    expect(junk).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } })
  })

  it('answer 400 VALIDATION_ERROR for a bad role or name, and 401 AUTH_FAILED without a key', async () => {
    const bad = await call('POST', '/v1/keys', orgA.apiKey, { role: 'owner', name: '' })
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } })
    const paths = ((bad.body['details'] as Json)['issues'] as Json[]).map((i) => i['path'])
    expect(paths.sort()).toEqual(['name', 'role'])
    const status = await call('GET', '/v1/keys?status=lost', orgA.apiKey)
    expect(status).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } })
    const notJson = await fetch(`${h.url}/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${orgA.apiKey}`, 'content-type': 'application/json' },
      body: '{"role":',
    })
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toMatchObject({ code: 'MALFORMED_JSON' })
    for (const key of [undefined, 'tsk_live_not-a-real-key-000000000000', 'sk_other']) {
      const res = await call('GET', '/v1/keys', key)
      expect(res).toMatchObject({ status: 401, body: { code: 'AUTH_FAILED', details: {} } })
    }
    expect((await call('POST', '/v1/keys', undefined, {})).status).toBe(401)
  })

  it('are issued side by side: keys issued at once on one org all succeed', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => call('POST', '/v1/keys', orgA.apiKey, { name: `p${i}` })),
    )
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201))
    const names = (await listed(orgA.apiKey)).map((k) => k['name'])
    for (let i = 0; i < 6; i++) expect(names).toContain(`p${i}`)
  })
})
