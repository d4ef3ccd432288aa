import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '@tessera/testing'
import {
  BOOTSTRAP_TOKEN,
  startInfra,
  startStack,
  type E2eInfra,
  type RunningStack,
} from './src/index.ts'

let infra: E2eInfra
let stack: RunningStack

beforeAll(async () => {
  infra = await startInfra()
  stack = await startStack(infra)
})
afterAll(async () => {
  await stack?.stop()
  await infra?.dispose()
})

type Body = Record<string, unknown>
async function call(method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Body }
}

/** What each service answers `key` on a route of its own, through the gateway. */
const ELSEWHERE = {
  ingest: '/v1/telemetry/redaction',
  escrow: '/v1/accounts',
  jury: '/v1/jury/policy',
}
const statuses = async (key: string) =>
  Object.fromEntries(
    await Promise.all(
      Object.entries(ELSEWHERE).map(async ([s, path]) => [
        s,
        (await call('GET', path, key)).status,
      ]),
    ),
  ) as Record<keyof typeof ELSEWHERE, number>
const everywhere = (status: number) => ({ ingest: status, escrow: status, jury: status })

describe('API keys across the stack', () => {
  it('a key issued in guardian works in every service, and once revoked, fails in all of them', async () => {
    const org = await call('POST', '/v1/orgs', BOOTSTRAP_TOKEN, { name: 'Keys E2E' })
    expect(org.status).toBe(201)
    const member = await call('POST', '/v1/keys', String(org.body['apiKey']), { name: 'e2e' })
    expect(member.status).toBe(201)
    const key = String(member.body['apiKey'])
    // guardian knows the key at once; the other services once its ApiKeyIssued reaches them
    expect((await call('GET', '/v1/orgs/me', key)).status).toBe(200)
    await eventually(
      async () =>
        JSON.stringify(await statuses(key)) === JSON.stringify(everywhere(200)) ? true : undefined,
      { timeoutMs: 30_000, what: 'every service to accept the new key' },
    )

    const revoked = await call(
      'POST',
      `/v1/keys/${String(member.body['keyId'])}/revoke`,
      String(org.body['apiKey']),
    )
    expect(revoked).toMatchObject({ status: 200, body: { status: 'revoked' } })
    const started = Date.now()
    expect(await call('GET', '/v1/orgs/me', key)).toMatchObject({
      status: 401,
      body: { code: 'AUTH_FAILED' },
    })
    // the others refuse it as soon as ApiKeyRevoked reaches them: within seconds, not minutes
    await eventually(
      async () =>
        JSON.stringify(await statuses(key)) === JSON.stringify(everywhere(401)) ? true : undefined,
      { timeoutMs: 5_000, what: 'every service to refuse the revoked key' },
    )
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(await call('GET', ELSEWHERE.ingest, key)).toMatchObject({
      body: { code: 'AUTH_FAILED' },
    })
  })
})
