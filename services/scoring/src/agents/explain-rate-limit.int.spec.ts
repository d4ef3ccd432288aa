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
