import { randomUUID } from 'node:crypto'
import { jetstream } from '@nats-io/jetstream'
import { v7 as uuidv7 } from 'uuid'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishEnvelopes } from '@tessera/bus'
import { type Escrow, telemetryRecordsSubject } from '@tessera/contracts'
import { settlementHash, signCompletion, signHash } from '@tessera/crypto'
import { newId } from '@tessera/service-kit'
import {
  type InProcessService,
  eventually,
  expectRebuildEqualsLive,
  metadataFor,
  startInProcess,
} from '@tessera/testing'
import { escrow } from '../service.ts'
import { EscrowWorld, type WorldPact } from '../testing/escrow-world.ts'
import { escrowsProjection } from './escrows.projection.ts'

/**
 * The lifecycle through the API: lock, verify, complete, automated verification, release with
 * the fee; disputes, a verdict from the JURY stream, mutual settlement; the deadline's refund;
 * every bad input of issue 12 refused with its code and no money moved; races.
 */
let svc: InProcessService
let w: EscrowWorld

beforeAll(async () => {
  svc = await startInProcess(escrow, { env: { ESCROW_SCHEDULER_POLL_SECONDS: '0.5' } })
  w = await EscrowWorld.start(svc)
  await w.fund(w.buyer, '1000000000')
})
afterAll(() => svc?.stop())

const buyerKey = () => w.buyerOrg.member
const sellerKey = () => w.sellerOrg.member

async function locked(over: Parameters<EscrowWorld['pact']>[0] = {}) {
  const pact = await w.pact(over)
  const res = await w.call<Escrow>('POST', '/v1/escrows', buyerKey(), {
    pactId: pact.pactId,
    amount: pact.amount,
    conditionHash: pact.pactHash,
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return { pact, escrow: res.body }
}

function completion(pact: WorldPact, deliverable: unknown, metrics: Record<string, unknown>) {
  return {
    pactId: pact.pactId,
    deliverable,
    ...signCompletion(deliverable, pact.seller.keys.secretKey),
    completionTimeUtc: new Date().toISOString(),
    executionMetrics: metrics,
  }
}

const wallet = async (agentId: string) =>
  (await w.balances())[`acct_${agentId}`]!.split('/').map((v) => BigInt(v))

async function eventTypes(escrowId: string) {
  const { rows } = await sql<{ type: string }>`select type from ${sql.id(svc.schema)}.events
    where stream_id = ${`escrow-${escrowId}`} order by stream_version`.execute(svc.db)
  return rows.map((r) => r.type)
}

describe('create, verify, complete, release', () => {
  it('locks, lets the seller verify, and releases less the 0.5% fee on a passing completion', async () => {
    const before = await w.balances()
    const { pact, escrow: e } = await locked()
    expect(e).toMatchObject({
      status: 'locked',
      conditionHash: pact.pactHash,
      amount: '10000000',
      network: 'internal',
      txHash: `${e.escrowId}:lock`,
    })
    const verified = await w.call('POST', `/v1/escrows/${e.escrowId}/verify`, sellerKey(), {
      expectedPactId: pact.pactId,
      minAmountUsdc: 10,
    })
    expect(verified).toMatchObject({ status: 200, body: { status: 'locked', amount: '10000000' } })
    const done = await w.call<Escrow>(
      'POST',
      `/v1/escrows/${e.escrowId}/completion`,
      sellerKey(),
      completion(pact, { rows: 12 }, { accuracy: 0.95 }),
    )
    expect(done.status, JSON.stringify(done.body)).toBe(200)
    expect(done.body).toMatchObject({
      status: 'released',
      verification: 'pass',
      settlement: { basis: 'release', sellerAmount: '9950000', fee: '50000' },
    })
    const after = await w.balances()
    const delta = (id: string, i: number) =>
      BigInt(after[id]!.split('/')[i]!) - BigInt(before[id]!.split('/')[i]!)
    expect(delta(`acct_${pact.seller.agentId}`, 3)).toBe(9_950_000n)
    expect(delta('platform_fees', 3)).toBe(50_000n)
    expect(delta(`acct_${pact.buyer.agentId}`, 1)).toBe(10_000_000n)
    expect(await eventTypes(e.escrowId)).toEqual([
      'EscrowCreated',
      'CompletionSubmitted',
      'EscrowReleased',
    ])
  })

  it('holds each escrow in an account of its own: lock and release change no shared escrow account', async () => {
    const before = await w.balances()
    const { pact, escrow: e } = await locked()
    const holding = `escrow_${e.escrowId}`
    // debits pending / posted, credits pending / posted
    expect((await w.balances())[holding]).toBe('0/0/10000000/0')
    const done = await w.call<Escrow>(
      'POST',
      `/v1/escrows/${e.escrowId}/completion`,
      sellerKey(),
      completion(pact, { rows: 12 }, { accuracy: 0.95 }),
    )
    expect(done.body.status).toBe('released')
    const after = await w.balances()
    expect(after[holding]).toBe('0/10000000/0/10000000')
    expect(after['platform_escrow']).toBe(before['platform_escrow'])
  })

  it('tells a pact that has not reached escrow yet (409, retryable) from a wrong one', async () => {
    const pact = await w.pact({}, false)
    const first = await w.call('POST', '/v1/escrows', buyerKey(), {
      pactId: newId('pact'),
      amount: '1',
      conditionHash: pact.pactHash,
    })
    expect(first).toMatchObject({ status: 409, body: { code: 'PACT_NOT_FOUND_YET' } })
  })
})

describe('bad input: a 4xx with a stable code, and no money moves', () => {
  it('refuses each case of issue 12', async () => {
    const { pact, escrow: e } = await locked()
    const other = await w.pact()
    const body = { pactId: other.pactId, amount: other.amount, conditionHash: other.pactHash }
    const good = completion(pact, { rows: 12 }, { accuracy: 0.95 })
    const forged = signHash(good.deliverableHash, pact.buyer.keys.secretKey)
    const cases: [string, string, string, unknown, number, string][] = [
      [
        'POST',
        `/v1/escrows/${e.escrowId}/completion`,
        sellerKey(),
        { ...good, sellerSignature: forged },
        422,
        'INVALID_SELLER_SIGNATURE',
      ],
      [
        'POST',
        `/v1/escrows/${e.escrowId}/completion`,
        sellerKey(),
        { ...good, deliverable: { rows: 13 } },
        422,
        'DELIVERABLE_HASH_MISMATCH',
      ],
      [
        'POST',
        '/v1/escrows',
        buyerKey(),
        { ...body, conditionHash: pact.pactHash },
        409,
        'CONDITION_HASH_MISMATCH',
      ],
      ['POST', '/v1/escrows', buyerKey(), { ...body, amount: '9999999' }, 422, 'AMOUNT_MISMATCH'],
      [
        'POST',
        '/v1/escrows',
        buyerKey(),
        { ...body, amount: undefined, amountUsdc: '10.0000001' },
        400,
        'VALIDATION_ERROR',
      ],
      [
        'POST',
        '/v1/escrows',
        buyerKey(),
        { ...body, amount: '-10000000' },
        400,
        'VALIDATION_ERROR',
      ],
      [
        'POST',
        '/v1/escrows',
        buyerKey(),
        { ...body, amount: undefined, amountUsdc: -10 },
        400,
        'VALIDATION_ERROR',
      ],
      [
        'POST',
        '/v1/escrows',
        buyerKey(),
        { ...body, amount: '1'.repeat(30) },
        400,
        'VALIDATION_ERROR',
      ],
      ['POST', '/v1/escrows', sellerKey(), body, 403, 'NOT_THE_BUYER'],
      [
        'POST',
        `/v1/escrows/${e.escrowId}/disputes`,
        buyerKey(),
        { disputedBy: pact.buyer.agentId, reason: 'x' },
        409,
        'NO_COMPLETION_YET',
      ],
    ]
    const before = await w.balances()
    for (const [method, path, key, payload, status, code] of cases) {
      const res = await w.call(method, path, key, payload)
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status, code })
    }
    expect(await w.balances()).toEqual(before)
    expect(await eventTypes(e.escrowId)).toEqual(['EscrowCreated'])
  })

  it('refuses a release or a dispute after a refund, and a second dispute', async () => {
    // far enough ahead that publishing the pact and locking cannot overrun it on a loaded box
    const soon = new Date(Date.now() + 4000).toISOString()
    const { pact, escrow: e } = await locked({ deadlineUtc: soon })
    await eventually(
      async () =>
        (await w.call<Escrow>('GET', `/v1/escrows/${e.escrowId}`, buyerKey())).body.status ===
          'refunded' || undefined,
      { what: 'the refund at the deadline' },
    )
    const before = await w.balances()
    const late = await w.call(
      'POST',
      `/v1/escrows/${e.escrowId}/completion`,
      sellerKey(),
      completion(pact, { rows: 12 }, { accuracy: 1 }),
    )
    expect(late).toMatchObject({ status: 409, body: { code: 'ESCROW_NOT_LOCKED' } })
    const afterRefund = await w.call('POST', `/v1/escrows/${e.escrowId}/disputes`, buyerKey(), {
      disputedBy: pact.buyer.agentId,
      reason: 'too late',
    })
    expect(afterRefund).toMatchObject({ status: 409, body: { code: 'ESCROW_NOT_LOCKED' } })
    expect(await w.balances()).toEqual(before)

    const { pact: p2, escrow: e2 } = await locked()
    await w.call(
      'POST',
      `/v1/escrows/${e2.escrowId}/completion`,
      sellerKey(),
      completion(p2, { rows: 1 }, { accuracy: 0 }),
    )
    const first = await w.call('POST', `/v1/escrows/${e2.escrowId}/disputes`, buyerKey(), {
      disputedBy: p2.buyer.agentId,
      reason: 'nothing usable',
    })
    expect(first.status).toBe(201)
    const beforeSecond = await w.balances()
    const second = await w.call('POST', `/v1/escrows/${e2.escrowId}/disputes`, sellerKey(), {
      disputedBy: p2.seller.agentId,
      reason: 'me too',
    })
    expect(second).toMatchObject({ status: 409, body: { code: 'DISPUTE_ALREADY_OPEN' } })
    expect(await w.balances()).toEqual(beforeSecond)
  })
})

describe('refund at the deadline', () => {
  it('voids the lock once: the buyer has its money back, DeadlineMissed is in the log', async () => {
    const start = await wallet(w.buyer.agentId)
    const soon = new Date(Date.now() + 4000).toISOString()
    const { escrow: e } = await locked({ deadlineUtc: soon })
    const refunded = await eventually(
      async () => {
        const r = await w.call<Escrow>('GET', `/v1/escrows/${e.escrowId}`, buyerKey())
        return r.body.status === 'refunded' ? r.body : undefined
      },
      { what: 'the refund' },
    )
    expect(refunded.settlement).toMatchObject({ basis: 'refund', buyerAmount: '10000000' })
    expect(await wallet(w.buyer.agentId)).toEqual(start)
    expect(await eventTypes(e.escrowId)).toEqual([
      'EscrowCreated',
      'DeadlineMissed',
      'EscrowRefunded',
    ])
  })
})

describe('grace: the seller seen alive on TELEMETRY', () => {
  it('moves the deadline once by 48 h instead of refunding', async () => {
    const { escrow: e } = await locked({ deadlineUtc: new Date(Date.now() + 4000).toISOString() })
    const now = new Date().toISOString()
    const message = {
      groupId: randomUUID(),
      part: 0,
      records: [
        {
          eventId: uuidv7(),
          orgId: w.seller.orgId,
          agentId: w.seller.agentId,
          protocol: 'telemetry',
          type: 'tool_call',
          sessionId: null,
          pactId: null,
          occurredAt: now,
          receivedAt: now,
          data: { tool: 'clean' },
        },
      ],
    }
    await jetstream(svc.nc).publish(telemetryRecordsSubject(svc.prefix), JSON.stringify(message))
    await eventually(async () => {
      const { rows } = await sql`select 1 from ${sql.id(svc.schema)}.agent_last_seen
        where agent_id = ${w.seller.agentId}`.execute(svc.db)
      return rows.length > 0 || undefined
    })
    const extended = await eventually(async () => {
      const types = await eventTypes(e.escrowId)
      return types.length > 1 ? types : undefined
    })
    expect(extended).toEqual(['EscrowCreated', 'EscrowDeadlineExtended'])
    const after = await w.call<Escrow>('GET', `/v1/escrows/${e.escrowId}`, buyerKey())
    expect(after.body.status).toBe('locked')
    expect(Date.parse(after.body.deadlineUtc) - Date.parse(e.deadlineUtc)).toBe(48 * 3600_000)
  })
})

describe('disputes and settlement', () => {
  it('a partial completion opens a dispute by itself; a verdict on JURY splits after the 1% fee', async () => {
    const { pact, escrow: e } = await locked()
    const done = await w.call<Escrow>(
      'POST',
      `/v1/escrows/${e.escrowId}/completion`,
      sellerKey(),
      completion(pact, { rows: 12 }, { accuracy: 0.1 }),
    )
    expect(done.body).toMatchObject({ status: 'disputed', verification: 'partial' })
    const sellerBefore = await wallet(pact.seller.agentId)
    await publishEnvelopes(
      jetstream(svc.nc),
      'jury',
      [
        {
          type: 'VerdictReached',
          data: {
            disputeId: done.body.disputeId,
            escrowId: e.escrowId,
            pactId: pact.pactId,
            releasePercentage: 70,
            votes: [],
            trimmed: [],
            evidenceHash: 'b'.repeat(64),
            judges: [],
            recordHash: 'c'.repeat(64),
            round: 1,
            reachedAt: new Date().toISOString(),
          },
          metadata: metadataFor(`dispute-${done.body.disputeId}`),
        },
      ],
      svc.prefix,
    )
    const settled = await eventually(async () => {
      const r = await w.call<Escrow>('GET', `/v1/escrows/${e.escrowId}`, sellerKey())
      return r.body.status === 'settled' ? r.body : undefined
    })
    expect(settled.settlement).toMatchObject({
      basis: 'verdict',
      sellerAmount: '6930000',
      buyerAmount: '2970000',
      fee: '100000',
    })
    expect((await wallet(pact.seller.agentId))[3]! - sellerBefore[3]!).toBe(6_930_000n)
  })

  it('both parties sign a split and it settles without the jury', async () => {
    const { pact, escrow: e } = await locked()
    const hash = settlementHash(e.escrowId, pact.pactId, 40)
    const res = await w.call<Escrow>('POST', `/v1/escrows/${e.escrowId}/settlement`, sellerKey(), {
      releasePercentage: 40,
      buyerSignature: signHash(hash, pact.buyer.keys.secretKey),
      sellerSignature: signHash(hash, pact.seller.keys.secretKey),
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.settlement).toMatchObject({
      basis: 'mutual',
      sellerAmount: '3980000',
      buyerAmount: '6000000',
      fee: '20000',
    })
  })
})

describe('races: exactly one wins', () => {
  it('two concurrent releases of one escrow', async () => {
    const { pact, escrow: e } = await locked()
    const body = completion(pact, { rows: 12 }, { accuracy: 0.95 })
    const sellerBefore = await wallet(pact.seller.agentId)
    const results = await Promise.all(
      [0, 1].map(() => w.call('POST', `/v1/escrows/${e.escrowId}/completion`, sellerKey(), body)),
    )
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    expect((await wallet(pact.seller.agentId))[3]! - sellerBefore[3]!).toBe(9_950_000n)
  })

  it('two concurrent creates for one pact: one escrow, one lock', async () => {
    const pact = await w.pact()
    const body = { pactId: pact.pactId, amount: pact.amount, conditionHash: pact.pactHash }
    const before = await wallet(w.buyer.agentId)
    const results = await Promise.all(
      [0, 1].map(() => w.call('POST', '/v1/escrows', buyerKey(), body)),
    )
    expect(results.map((r) => r.status).sort()).toEqual([201, 409])
    expect(results.find((r) => r.status === 409)!.body.code).toBe('ESCROW_EXISTS')
    expect((await wallet(w.buyer.agentId))[0]! - before[0]!).toBe(10_000_000n)
  })

  it('a release against a refund', async () => {
    const { pact, escrow: e } = await locked({
      deadlineUtc: new Date(Date.now() + 1200).toISOString(),
    })
    const body = completion(pact, { rows: 12 }, { accuracy: 0.95 })
    await new Promise((r) => setTimeout(r, 1100))
    const release = await w.call('POST', `/v1/escrows/${e.escrowId}/completion`, sellerKey(), body)
    const final = await eventually(async () => {
      const r = await w.call<Escrow>('GET', `/v1/escrows/${e.escrowId}`, buyerKey())
      return r.body.status !== 'locked' ? r.body : undefined
    })
    const { rows } = await sql<{ n: number }>`select count(*)::int as n
      from ${sql.id(svc.schema)}.ledger_transfers where pending_id = ${`${e.escrowId}:lock`}`.execute(
      svc.db,
    )
    expect(rows[0]!.n).toBe(1)
    expect(release.status === 200).toBe(final.status === 'released')
  })
})

describe('races: a release against a refund by both parties', () => {
  it('a passing completion and a 0% mutual settlement at once: exactly one resolves the lock', async () => {
    const { pact, escrow: e } = await locked()
    const hash = settlementHash(e.escrowId, pact.pactId, 0)
    const [release, refund] = await Promise.all([
      w.call(
        'POST',
        `/v1/escrows/${e.escrowId}/completion`,
        sellerKey(),
        completion(pact, { rows: 12 }, { accuracy: 1 }),
      ),
      w.call('POST', `/v1/escrows/${e.escrowId}/settlement`, buyerKey(), {
        releasePercentage: 0,
        buyerSignature: signHash(hash, pact.buyer.keys.secretKey),
        sellerSignature: signHash(hash, pact.seller.keys.secretKey),
      }),
    ])
    expect([release.status, refund.status].sort()).toEqual([200, 409])
    const { rows } = await sql<{ n: number }>`select count(*)::int as n
      from ${sql.id(svc.schema)}.ledger_transfers where pending_id = ${`${e.escrowId}:lock`}`.execute(
      svc.db,
    )
    expect(rows[0]!.n).toBe(1)
  })
})

// last: it revokes the world's seller
describe('a revoked seller', () => {
  it('cannot be paid by completion: 403 SELLER_REVOKED, nothing moves', async () => {
    const { pact, escrow: e } = await locked()
    await publishEnvelopes(
      jetstream(svc.nc),
      'guardian',
      [
        {
          type: 'AgentRevoked',
          data: {
            agentId: w.seller.agentId,
            orgId: w.seller.orgId,
            reason: 'key leaked',
            revokedAt: new Date().toISOString(),
          },
          metadata: metadataFor(`agent-${w.seller.agentId}`),
        },
      ],
      svc.prefix,
    )
    await eventually(async () => {
      const { rows } = await sql`select 1 from ${sql.id(svc.schema)}.revoked_agents
        where agent_id = ${w.seller.agentId}`.execute(svc.db)
      return rows.length > 0 || undefined
    })
    const before = await w.balances()
    const res = await w.call(
      'POST',
      `/v1/escrows/${e.escrowId}/completion`,
      sellerKey(),
      completion(pact, { rows: 12 }, { accuracy: 1 }),
    )
    expect(res).toMatchObject({ status: 403, body: { code: 'SELLER_REVOKED' } })
    expect(await w.balances()).toEqual(before)
  })
})

describe('the escrows table is a projection', () => {
  it('rebuilt from the log, it equals the live rows of every lifecycle above', async () => {
    const counts = await expectRebuildEqualsLive(svc.db, svc.schema, [escrowsProjection])
    expect(counts['escrows']).toBeGreaterThanOrEqual(9)
  })
})
