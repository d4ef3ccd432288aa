import { networkInterfaces } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type InProcessService, startInProcess } from '@tessera/testing'
import { scoring } from '../service.ts'

/** `/explain` is public and costs the agent's whole evidence: it has a budget per client IP. */

const LIMIT = 3
let svc: InProcessService

beforeAll(async () => {
  svc = await startInProcess(scoring, {
    env: { SCORING_EXPLAIN_RATE_LIMIT_PER_MINUTE: String(LIMIT) },
  })
})
afterAll(async () => {
  await svc?.stop()
})

const get = (path: string) => fetch(`${svc.url}/api/v1/trust/${path}`)

describe('the explain budget', () => {
  it('answers the 4th explain of a minute with 429 RATE_LIMITED and Retry-After; profiles stay unlimited', async () => {
    // An unknown agent is a 404, and still spends the budget: the limit is on asking.
    for (let i = 0; i < LIMIT; i++)
      expect((await get('agt_00000000000000000000000000/explain')).status).toBe(404)
    const refused = await get('agt_00000000000000000000000000/explain')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused.json()).toMatchObject({
      code: 'RATE_LIMITED',
      details: { limit: LIMIT },
    })
    // The profile is one indexed read: no budget (the bench reads it at 1k/s).
    for (let i = 0; i < 2 * LIMIT; i++)
      expect((await get('agt_00000000000000000000000000')).status).toBe(404)
  })
})

/** This machine's own address on a network, so the proxy below is not a loopback peer. */
function networkAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')
  if (!found) throw new Error('no non-loopback IPv4 address on this machine to test through')
  return found.address
}

describe('behind a gateway in another container (TRUST_PROXY = its address, as in docker-compose)', () => {
  it('budgets each client by the address the gateway appended; anyone else cannot pick its own', async () => {
    // The gateway here is this machine's network address, not loopback (trusted by default).
    const gateway = networkAddress()
    const behind = await startInProcess(scoring, {
      env: { SCORING_EXPLAIN_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: gateway, HOST: '0.0.0.0' },
    })
    try {
      const explain = (from: string, client: string) =>
        fetch(
          `http://${from}:${new URL(behind.url).port}/api/v1/trust/agt_00000000000000000000000000/explain`,
          {
            // what the gateway sends: whatever the client claimed, then the address it saw
            headers: { 'x-forwarded-for': `9.9.9.9, ${client}` },
          },
        )
      expect((await explain(gateway, '203.0.113.1')).status).toBe(404)
      expect((await explain(gateway, '203.0.113.1')).status).toBe(404)
      expect((await explain(gateway, '203.0.113.1')).status).toBe(429)
      // another client behind the gateway has its own budget; the claimed 9.9.9.9 is not one
      expect((await explain(gateway, '203.0.113.2')).status).toBe(404)
      // a peer that is not the gateway is itself the client, whatever X-Forwarded-For it writes
      expect((await explain('127.0.0.1', '203.0.113.3')).status).toBe(404)
      expect((await explain('127.0.0.1', '203.0.113.4')).status).toBe(404)
      expect((await explain('127.0.0.1', '203.0.113.5')).status).toBe(429)
    } finally {
      await behind.stop()
      // startInProcess sets these for the whole process: later services of this worker get none
      delete process.env['TRUST_PROXY']
      process.env['HOST'] = '127.0.0.1'
    }
  })
})
