import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '@tessera/service-kit'
import { type InProcessService, seedApiKey, startInProcess } from '@tessera/testing'
import { pacts } from '../service.ts'
import { appendToPact, pactStory } from './testing/room-fixtures.ts'

/**
 * Org isolation of pacts' rooms, as a matrix: each room route is called on one pact's room with
 * keys of the buyer's org, the seller's org and a third org, of each role that may call it.
 * The parties get it; the third org gets 404 NOT_FOUND, as for a pact that does not exist, and
 * nothing of the room. (The pacts API's own routes join this matrix as they are added.)
 */
let svc: InProcessService
const buyer = newId('org')
const seller = newId('org')
const stranger = newId('org')
const pactId = newId('pact')

beforeAll(async () => {
  svc = await startInProcess(pacts)
  const story = pactStory(pactId, buyer, seller)
  await appendToPact(svc, pactId, [story.proposed(), story.accepted()])
})

afterAll(async () => {
  await svc?.stop()
})

const routes = [
  { name: 'room', path: () => `/v1/rooms/${pactId}` },
  { name: 'room page', path: () => `/v1/rooms/${pactId}?limit=1&cursor=1` },
]
const cases = routes.flatMap((route) =>
  (['admin', 'member'] as const).flatMap((role) => [
    { ...route, role, org: 'buyer', orgId: buyer, status: 200 },
    { ...route, role, org: 'seller', orgId: seller, status: 200 },
    { ...route, role, org: 'stranger', orgId: stranger, status: 404 },
  ]),
)

describe("a pact's room, by org", () => {
  it.each(cases)('$name, $org $role: $status', async ({ path, role, orgId, status }) => {
    const key = await seedApiKey(svc, orgId, role)
    const res = await fetch(`${svc.url}${path()}`, { headers: { authorization: `Bearer ${key}` } })
    const text = await res.text()
    expect(res.status, text).toBe(status)
    if (status === 404) {
      expect(JSON.parse(text)).toMatchObject({ code: 'NOT_FOUND' })
      expect(text).not.toMatch(/PactProposed|entryHash|pactHash/)
    } else {
      expect(text).toContain('PactAccepted')
    }
  })
})
