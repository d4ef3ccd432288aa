import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Escrow } from '@tessera/contracts'
import { newId } from '@tessera/service-kit'
import {
  type InProcessService,
  type RoleKeys,
  seedRoleKeys,
  startInProcess,
} from '@tessera/testing'
import { escrow } from '../service.ts'
import { EscrowWorld, type WorldPact } from '../testing/escrow-world.ts'

/**
 * Org isolation of escrows, as a matrix: an escrow is its buyer's and seller's orgs' and no
 * one else's. Org C calls every lifecycle endpoint on it (and on the pact, to create): each is
 * a 404 NOT_FOUND, nothing of the escrow comes back, and no money moves.
 */
let svc: InProcessService
let w: EscrowWorld
let c: RoleKeys
let pact: WorldPact
let e: Escrow

beforeAll(async () => {
  svc = await startInProcess(escrow)
  w = await EscrowWorld.start(svc)
  c = await seedRoleKeys(svc)
  await w.fund(w.buyer, '100000000')
  pact = await w.pact()
  const res = await w.call<Escrow>('POST', '/v1/escrows', w.buyerOrg.member, {
    pactId: pact.pactId,
    amount: pact.amount,
    conditionHash: pact.pactHash,
  })
  e = res.body
})
afterAll(() => svc?.stop())

it('another org’s escrow is a 404 on every lifecycle route, and nothing moves', async () => {
  const other = await w.pact()
  const rows: [string, string, unknown][] = [
    ['GET', `/v1/escrows/${e.escrowId}`, undefined],
    [
      'POST',
      `/v1/escrows/${e.escrowId}/verify`,
      { expectedPactId: pact.pactId, expectedAmount: pact.amount },
    ],
    [
      'POST',
      `/v1/escrows/${e.escrowId}/completion`,
      {
        pactId: pact.pactId,
        deliverable: { rows: 12 },
        deliverableHash: 'a'.repeat(64),
        completionTimeUtc: new Date().toISOString(),
        sellerSignature: 'b'.repeat(128),
      },
    ],
    ['POST', `/v1/escrows/${e.escrowId}/disputes`, { disputedBy: pact.buyer.agentId, reason: 'x' }],
    [
      'POST',
      `/v1/escrows/${e.escrowId}/settlement`,
      {
        releasePercentage: 50,
        buyerSignature: 'b'.repeat(128),
        sellerSignature: 'b'.repeat(128),
      },
    ],
    [
      'POST',
      '/v1/escrows',
      { pactId: other.pactId, amount: other.amount, conditionHash: other.pactHash },
    ],
    ['GET', `/v1/escrows/${newId('esc')}`, undefined],
  ]
  const before = await w.balances()
  for (const key of [c.admin, c.member]) {
    for (const [method, path, body] of rows) {
      const res = await w.call(method, path, key, body)
      expect({ path, status: res.status, code: res.body.code }).toEqual({
        path,
        status: 404,
        code: 'NOT_FOUND',
      })
      expect(JSON.stringify(res.body)).not.toContain(pact.pactHash)
    }
  }
  expect(await w.balances()).toEqual(before)
  const mine = await w.call<Escrow>('GET', `/v1/escrows/${e.escrowId}`, w.sellerOrg.member)
  expect(mine.body).toMatchObject({ status: 'locked', escrowId: e.escrowId })
})
