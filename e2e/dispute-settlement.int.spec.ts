import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dispute, DisputeRecord, Escrow } from '@tessera/contracts'
import {
  type InProcessService,
  eventually,
  freshStreamPrefix,
  seedApiKey,
  startInProcess,
} from '@tessera/testing'
// Services' definitions and test kits, imported by path as e2e/src/param-binding-stack.ts does.
// eslint-disable-next-line no-restricted-imports -- see above
import { escrow } from '@tessera/escrow-service/src/service.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import { EscrowWorld } from '@tessera/escrow-service/src/testing/escrow-world.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import { jury } from '@tessera/jury-service/src/service.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import { OpenAiStub, voteJson } from '@tessera/jury-service/src/testing/openai-stub.ts'

// A dispute end to end, escrow and jury in this process on one stream prefix: a partial
// delivery opens it (escrow's DisputeOpened), jury's rules panel votes, escrow holds the
// appealable verdict and settles the split with the 1% fee once the window closed; or a party
// appeals inside the window, escrow charges the fee, the appeal panel (scripted, 2n+1 seats)
// decides, and its verdict — not the first — is what escrow settles, once.

const APPEAL_WINDOW_SECONDS = 6
let esc: InProcessService
let jur: InProcessService
let stub: OpenAiStub
let w: EscrowWorld
let juryKeys: { buyer: string; seller: string }

beforeAll(async () => {
  stub = await OpenAiStub.start(() => ({ content: voteJson(80) }))
  const prefix = freshStreamPrefix()
  esc = await startInProcess(escrow, {
    env: {
      TESSERA_STREAM_PREFIX: prefix,
      ESCROW_SCHEDULER_POLL_SECONDS: '0.5',
      ESCROW_APPEAL_SETTLE_GRACE_SECONDS: '1',
    },
  })
  jur = await startInProcess(jury, {
    env: {
      TESSERA_STREAM_PREFIX: prefix,
      JURY_SCHEDULER_POLL_SECONDS: '0.5',
      JURY_RESPONSE_WINDOW_SECONDS: '0',
      JURY_APPEAL_WINDOW_SECONDS: String(APPEAL_WINDOW_SECONDS),
      JURY_APPEAL_JUDGES: JSON.stringify(
        ['a1', 'a2', 'a3'].map((id) => ({
          id,
          provider: 'openai-compatible',
          model: id,
          baseURL: stub.baseURL,
        })),
      ),
    },
  })
  w = await EscrowWorld.start(esc)
  await w.fund(w.buyer, '1000000000')
  await w.fund(w.seller, '5000000')
  juryKeys = {
    buyer: await seedApiKey(jur, w.buyerOrg.orgId, 'member'),
    seller: await seedApiKey(jur, w.sellerOrg.orgId, 'member'),
  }
}, 120_000)
afterAll(async () => {
  await jur?.stop()
  await esc?.stop()
  await stub?.stop()
})

async function juryCall<T>(method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${jur.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return { status: res.status, body: (await res.json()) as T }
}

/** Posted credits − posted debits of every account. */
async function posted(): Promise<Record<string, bigint>> {
  const { rows } = await sql<{ account_id: string; p: string }>`select account_id,
      (credits_posted - debits_posted)::text as p
    from ${sql.id(esc.schema)}.ledger_accounts`.execute(esc.db)
  return Object.fromEntries(rows.map((r) => [r.account_id, BigInt(r.p)]))
}
const delta = (after: Record<string, bigint>, before: Record<string, bigint>, acct: string) =>
  (after[acct] ?? 0n) - (before[acct] ?? 0n)

async function settledEvents(escrowId: string) {
  const { rows } = await sql<{ data: Record<string, unknown> }>`select data
    from ${sql.id(esc.schema)}.events
    where stream_id = ${`escrow-${escrowId}`} and type = 'EscrowSettled'`.execute(esc.db)
  return rows.map((r) => r.data)
}

const dispute = (id: string, ok: (d: Dispute) => boolean, what: string) =>
  eventually(
    async () => {
      const r = await juryCall<Dispute>('GET', `/v1/disputes/${id}`, juryKeys.buyer)
      return r.status === 200 && ok(r.body) ? r.body : undefined
    },
    { what, timeoutMs: 30_000 },
  )

const settled = (escrowId: string) =>
  eventually(
    async () => {
      const r = await w.call<Escrow>('GET', `/v1/escrows/${escrowId}`, w.buyerOrg.member)
      return r.body.status === 'settled' ? r.body : undefined
    },
    { what: `escrow ${escrowId} settled`, timeoutMs: 30_000 },
  )

describe('a dispute end to end', () => {
  it("the rules panel's verdict is settled after the appeal window, with the 1% fee", async () => {
    const before = await posted()
    const d = await w.partialDelivery()
    // the rules judge: 1 of 2 deliverable conditions hold, on the same completion document
    const first = await dispute(d.disputeId, (x) => x.verdict !== null, 'a first verdict')
    expect(first.verdict).toMatchObject({ round: 1, releasePercentage: 50 })
    expect(first.appealableUntil).not.toBeNull()
    const e = await settled(d.escrowId)
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(first.appealableUntil!))
    // 10 USDC: fee floor(1%) = 100000; seller floor(9900000 × 50%) = 4950000; buyer the rest
    expect(e.settlement).toMatchObject({
      sellerAmount: '4950000',
      buyerAmount: '4950000',
      fee: '100000',
    })
    const after = await posted()
    expect(delta(after, before, `acct_${w.seller.agentId}`)).toBe(4_950_000n)
    expect(delta(after, before, `acct_${w.buyer.agentId}`)).toBe(-10_000_000n + 4_950_000n)
    expect(delta(after, before, 'platform_fees')).toBe(100_000n)
    // jury's audit record shows the split escrow paid
    const record = await juryCall<DisputeRecord>(
      'GET',
      `/v1/disputes/${d.disputeId}/record`,
      juryKeys.seller,
    )
    expect(record.body.rounds.at(-1)!.split).toEqual({
      amount: '10000000',
      fee: '100000',
      sellerAmount: '4950000',
      buyerAmount: '4950000',
    })
    expect(await settledEvents(d.escrowId)).toHaveLength(1)
  })

  it('an appeal inside the window is charged, and the appeal panel’s verdict replaces the first', async () => {
    const d = await w.partialDelivery()
    await dispute(d.disputeId, (x) => x.verdict !== null, 'a first verdict')
    const before = await posted()
    const appealed = await juryCall<Dispute>(
      'POST',
      `/v1/disputes/${d.disputeId}/appeal`,
      juryKeys.seller,
      { reason: 'the accuracy metric was computed on the wrong split' },
    )
    expect(appealed.status, JSON.stringify(appealed.body)).toBe(200)
    expect(appealed.body.appeal).toMatchObject({ party: 'seller', fee: '100000' })
    const final = await dispute(
      d.disputeId,
      (x) => x.verdict?.round === 2,
      'the appeal panel’s verdict',
    )
    expect(final.verdict).toMatchObject({ round: 2, releasePercentage: 80 })
    const e = await settled(d.escrowId)
    // 80% of the 9900000 left after the 1% fee
    expect(e.settlement).toMatchObject({
      sellerAmount: '7920000',
      buyerAmount: '1980000',
      fee: '100000',
    })
    // the first verdict's job comes due and finds the appeal: still one settlement
    await new Promise((r) => setTimeout(r, APPEAL_WINDOW_SECONDS * 1000 + 2500))
    expect(await settledEvents(d.escrowId)).toHaveLength(1)
    const after = await posted()
    // the seller paid the appeal fee (1%) and was paid 80% of the rest
    expect(delta(after, before, `acct_${w.seller.agentId}`)).toBe(7_920_000n - 100_000n)
    expect(delta(after, before, `acct_${w.buyer.agentId}`)).toBe(-10_000_000n + 1_980_000n)
    expect(delta(after, before, 'platform_fees')).toBe(100_000n + 100_000n)
  })
})
