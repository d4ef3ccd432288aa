import { afterAll, beforeAll, expect, it } from 'vitest'
import type { TesseraError } from '@tessera/sdk'
import { TesseraClient, signCompletion, signSettlement } from '@tessera/sdk'
import { type InProcessService, startInProcess } from '@tessera/testing'
import { escrow } from '../service.ts'
import { EscrowWorld } from '../testing/escrow-world.ts'

/** The SDK's `client.escrow` with the reference's names, end to end against the service. */
let svc: InProcessService
let w: EscrowWorld
let buyer: TesseraClient
let seller: TesseraClient

beforeAll(async () => {
  svc = await startInProcess(escrow)
  w = await EscrowWorld.start(svc)
  await w.fund(w.buyer, '100000000')
  buyer = new TesseraClient({ baseUrl: svc.url, apiKey: w.buyerOrg.member })
  seller = new TesseraClient({ baseUrl: svc.url, apiKey: w.sellerOrg.member })
})
afterAll(() => svc?.stop())

it('create, verify, submitCompletion, pollSettlement', async () => {
  const pact = await w.pact()
  const created = await buyer.escrow.create({
    buyerAgentId: pact.buyer.agentId,
    sellerAgentId: pact.seller.agentId,
    pactId: pact.pactId,
    amountUsdc: 10,
    conditionHash: pact.pactHash,
    arbiter: 'tessera-jury',
    deadlineUtc: pact.deadlineUtc,
  })
  expect(created).toMatchObject({ status: 'locked', amount: '10000000', network: 'internal' })
  const check = await seller.escrow.verify({
    escrowId: created.escrowId,
    expectedPactId: pact.pactId,
    expectedAmount: '10000000',
  })
  expect(check.status).toBe('locked')
  const deliverable = { rows: 12, url: 'https://example.com/out.json' }
  await seller.escrow.submitCompletion({
    escrowId: created.escrowId,
    pactId: pact.pactId,
    deliverable,
    ...signCompletion(deliverable, pact.seller.keys.secretKey),
    completionTimeUtc: new Date().toISOString(),
    executionMetrics: { accuracy: 0.97 },
  })
  const settled = await buyer.escrow.pollSettlement(created.escrowId, {
    timeoutMs: 5000,
    pollIntervalMs: 100,
  })
  expect(settled).toMatchObject({ status: 'released', settlement: { sellerAmount: '9950000' } })
})

it('mutual settlement with signSettlement; pollSettlement times out on a locked escrow', async () => {
  const pact = await w.pact()
  const { escrowId } = await buyer.escrow.create({
    pactId: pact.pactId,
    amount: pact.amount,
    conditionHash: pact.pactHash,
  })
  await expect(
    buyer.escrow.pollSettlement(escrowId, { timeoutMs: 300, pollIntervalMs: 100 }),
  ).rejects.toMatchObject({ code: 'SETTLEMENT_TIMEOUT' } satisfies Partial<TesseraError>)
  const split = { escrowId, pactId: pact.pactId, releasePercentage: 25 }
  const done = await seller.escrow.settle(escrowId, {
    releasePercentage: 25,
    buyerSignature: signSettlement(split, pact.buyer.keys.secretKey),
    sellerSignature: signSettlement(split, pact.seller.keys.secretKey),
  })
  expect(done).toMatchObject({ status: 'settled', settlement: { basis: 'mutual' } })
})
