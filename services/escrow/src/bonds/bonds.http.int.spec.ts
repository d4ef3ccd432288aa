import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountBalance, Bond, PostBondResult } from '@tessera/contracts'
import { EventLog, newId } from '@tessera/service-kit'
import {
  type InProcessService,
  type RoleKeys,
  eventually,
  seedRoleKeys,
  startInProcess,
} from '@tessera/testing'
import { escrow } from '../service.ts'
import { caller, orgOf, registerAgents } from '../testing/escrow-http.ts'

/**
 * Bonds through the API: a post moves wallet funds into the agent's bond account and sets its
 * tier; bad posts move nothing; escrow's own `DeadlineMissed` events, appended to its log and
 * relayed over the bus, slash a bond once for three misses within 90 days and not otherwise;
 * money is conserved across the whole ledger; another org's agent is a 404.
 */
let svc: InProcessService
let a: RoleKeys
let b: RoleKeys
const agent = newId('agt')
const poor = newId('agt')
const sellers = { three: newId('agt'), two: newId('agt'), spread: newId('agt') }
const other = newId('agt')
const racer = newId('agt')
const call = caller(() => svc)
const usdc = (n: number) => String(BigInt(n) * 1_000_000n)

const wallet = async (agentId: string, key = a.admin) =>
  (await call<AccountBalance>('GET', `/v1/accounts/acct_${agentId}`, key)).body
const bond = async (agentId: string, key = a.member) =>
  (await call<Bond>('GET', `/v1/bonds/${agentId}`, key)).body

async function credit(agentId: string, amountUsdc: string, key = a.admin) {
  const res = await call('POST', `/v1/accounts/acct_${agentId}/credits`, key, { amountUsdc })
  expect(res.status).toBe(201)
}

beforeAll(async () => {
  svc = await startInProcess(escrow)
  a = await seedRoleKeys(svc)
  b = await seedRoleKeys(svc)
  const orgA = await orgOf(svc, a.admin)
  await registerAgents(svc, [
    ...[agent, poor, racer, ...Object.values(sellers)].map((agentId) => ({ agentId, orgId: orgA })),
    { agentId: other, orgId: await orgOf(svc, b.admin) },
  ])
  for (const id of [agent, ...Object.values(sellers)]) await credit(id, '5000')
  await credit(other, '5000', b.admin)
  await credit(poor, '99.999999')
  await credit(racer, '100')
})
afterAll(() => svc?.stop())

/** Across every ledger account, posted and pending: what was debited was credited. */
async function expectMoneyConserved() {
  const { rows } = await sql<{ dp: string; dpo: string; cp: string; cpo: string }>`select
      sum(debits_pending)::text as dp, sum(debits_posted)::text as dpo,
      sum(credits_pending)::text as cp, sum(credits_posted)::text as cpo
    from ${sql.id(svc.schema)}.ledger_accounts`.execute(svc.db)
  expect(rows[0]!.dpo).toBe(rows[0]!.cpo)
  expect(rows[0]!.dp).toBe(rows[0]!.cp)
}

describe('posting a bond', () => {
  it('moves the amount from the wallet into the bond and sets the tier', async () => {
    const res = await call<PostBondResult>('POST', '/v1/bonds', a.member, {
      agentId: agent,
      amountUsdc: '999.5',
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      created: true,
      bond: { agentId: agent, accountId: `bond_${agent}`, amount: '999500000', tier: 1 },
    })
    expect((await wallet(agent)).available).toBe('4000500000')
    const top = await call<PostBondResult>('POST', '/v1/bonds', a.admin, {
      agentId: agent,
      amount: '500000',
      transferId: 'top-up-1',
    })
    expect(top.body.bond).toMatchObject({ amount: usdc(1000), tier: 2 })
    const again = await call<PostBondResult>('POST', '/v1/bonds', a.admin, {
      agentId: agent,
      amount: '500000',
      transferId: 'top-up-1',
    })
    expect(again.body).toMatchObject({ created: false, eventId: top.body.eventId })
    expect(again.body.bond.amount).toBe(usdc(1000))
    const changed = await call('POST', '/v1/bonds', a.admin, {
      agentId: agent,
      amount: '1',
      transferId: 'top-up-1',
    })
    expect(changed).toMatchObject({ status: 409, body: { code: 'EXISTS_WITH_DIFFERENT_FIELDS' } })
    expect((await wallet(agent)).available).toBe(usdc(4000))
    const bondAccount = await call<AccountBalance>('GET', `/v1/accounts/bond_${agent}`, a.member)
    expect(bondAccount.body).toMatchObject({ kind: 'bond', agentId: agent, balance: usdc(1000) })
    await expectMoneyConserved()
  })

  it('records BondPosted with the total and tier, and the posting names that event', async () => {
    const { rows } = await sql<{ event_id: string; data: Record<string, unknown> }>`
      select event_id, data from ${sql.id(svc.schema)}.events
      where type = 'BondPosted' and stream_id = ${`bond-${agent}`} order by position`.execute(
      svc.db,
    )
    expect(rows.map((r) => r.data['totalBond'])).toEqual(['999500000', usdc(1000)])
    expect(rows.map((r) => r.data['tier'])).toEqual([1, 2])
    const statement = await call<{ items: { eventId: string; code: string }[] }>(
      'GET',
      `/v1/accounts/bond_${agent}/statement`,
      a.member,
    )
    expect(statement.body.items.map((l) => [l.code, l.eventId])).toEqual(
      rows.map((r) => ['bond_post', r.event_id]),
    )
  })

  it.each([
    ['more than the wallet has', { agentId: poor, amountUsdc: '100' }, 409, 'INSUFFICIENT_FUNDS'],
    ['7 decimals', { agentId: poor, amountUsdc: '1.1234567' }, 400, 'VALIDATION_ERROR'],
    ['a negative amount', { agentId: poor, amount: '-5' }, 400, 'VALIDATION_ERROR'],
    ['zero', { agentId: poor, amount: '0' }, 400, 'VALIDATION_ERROR'],
    [
      'an enormous amount',
      { agentId: poor, amount: '1' + '0'.repeat(30) },
      400,
      'VALIDATION_ERROR',
    ],
    ['a number', { agentId: poor, amount: 5 }, 400, 'VALIDATION_ERROR'],
    ['no agent', { amount: '5' }, 400, 'VALIDATION_ERROR'],
    ['an unknown agent', { agentId: newId('agt'), amount: '5' }, 404, 'NOT_FOUND'],
    ["another org's agent", { agentId: other, amount: '5' }, 404, 'NOT_FOUND'],
  ])('refuses %s, and nothing moves', async (_, body, status, code) => {
    const before = await wallet(poor)
    expect(await call('POST', '/v1/bonds', a.admin, body)).toMatchObject({
      status,
      body: { code },
    })
    expect(await wallet(poor)).toEqual(before)
    expect((await wallet(other, b.admin)).available).toBe(usdc(5000))
    const { rows } = await sql`select 1 from ${sql.id(svc.schema)}.events
      where type = 'BondPosted' and data->>'agentId' in (${poor}, ${other})`.execute(svc.db)
    expect(rows).toEqual([])
  })

  it('bonds once when the same transferId arrives five times at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        call<PostBondResult>('POST', '/v1/bonds', a.member, {
          agentId: racer,
          amountUsdc: '10',
          transferId: 'burst',
        }),
      ),
    )
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201])
    expect(answers.filter((r) => r.body.created)).toHaveLength(1)
    expect((await bond(racer)).amount).toBe(usdc(10))
  })

  it('lets one of two posts win when the wallet covers only one', async () => {
    const answers = await Promise.all(
      [1, 2].map(() => call('POST', '/v1/bonds', a.member, { agentId: racer, amountUsdc: '60' })),
    )
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409])
    expect(answers.find((r) => r.status === 409)!.body['code']).toBe('INSUFFICIENT_FUNDS')
    expect((await bond(racer)).amount).toBe(usdc(70))
    expect((await wallet(racer)).available).toBe(usdc(30))
    const account = await call<AccountBalance>('GET', `/v1/accounts/bond_${racer}`, a.member)
    expect(account.body.balance).toBe(usdc(70)) // the log's bond is the ledger's
    await expectMoneyConserved()
  })

  it('refuses to credit a bond account directly: a bond grows only from the wallet', async () => {
    const res = await call('POST', `/v1/accounts/bond_${agent}/credits`, a.admin, { amount: '1' })
    expect(res).toMatchObject({ status: 409, body: { code: 'ACCOUNT_NOT_CREDITABLE' } })
    expect((await bond(agent)).amount).toBe(usdc(1000))
  })
})

const log = () => new EventLog(svc.db, svc.schema, escrow.projections)
const day = (d: number) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString()

describe('slashing on three missed deadlines within 90 days', () => {
  /** What escrow's lifecycle appends when a seller misses a deadline; the relay publishes it. */
  async function missed(sellerAgentId: string, d: number, escrowId = newId('esc')) {
    await log().append(
      `escrow-${escrowId}`,
      'any',
      [
        {
          type: 'DeadlineMissed',
          data: {
            escrowId,
            pactId: newId('pact'),
            sellerAgentId,
            deadlineUtc: day(d),
            graceApplied: false,
            missedAt: day(d),
          },
        },
      ],
      { actor: { kind: 'system', id: 'test' } },
    )
    return escrowId
  }
  const strikesOf = (agentId: string, n: number) =>
    eventually(
      async () => ((await bond(agentId)).strikes.length === n ? bond(agentId) : undefined),
      {
        what: `${n} strikes for ${agentId}`,
      },
    )

  beforeAll(async () => {
    for (const id of Object.values(sellers)) {
      const res = await call('POST', '/v1/bonds', a.member, { agentId: id, amountUsdc: '1000' })
      expect(res.status).toBe(201)
    }
  })

  it('slashes 10% of the bond once, to platform_slashed_bonds, and lowers the tier', async () => {
    const seller = sellers.three
    const first = await missed(seller, 0)
    await missed(seller, 45)
    await missed(seller, 90)
    await missed(seller, 0, first) // the same escrow's deadline again: counted once
    const after = await strikesOf(seller, 3)
    expect(after).toMatchObject({ amount: usdc(900), tier: 1, slashedTotal: usdc(100) })
    expect(after.slashes).toEqual([
      expect.objectContaining({
        amount: usdc(100),
        rule: 'deadlines_missed_3_in_90d',
        slashedAt: day(90),
      }),
    ])
    expect(after.strikes.every((s) => s.spent)).toBe(true)
    const { rows } = await sql<{ balance: string }>`select
        (credits_posted - debits_posted)::text as balance
      from ${sql.id(svc.schema)}.ledger_accounts
      where account_id = 'platform_slashed_bonds'`.execute(svc.db)
    expect(rows[0]!.balance).toBe(usdc(100))
    expect((await wallet(seller)).available).toBe(usdc(4000))
    await expectMoneyConserved()
  })

  it('does not slash for two missed deadlines', async () => {
    await missed(sellers.two, 0)
    await missed(sellers.two, 1)
    const after = await strikesOf(sellers.two, 2)
    expect(after).toMatchObject({ amount: usdc(1000), tier: 2, slashes: [] })
  })

  it('does not slash three missed deadlines spread over more than 90 days', async () => {
    await missed(sellers.spread, 0)
    await missed(sellers.spread, 50)
    await missed(sellers.spread, 91)
    const after = await strikesOf(sellers.spread, 3)
    expect(after).toMatchObject({ amount: usdc(1000), tier: 2, slashes: [] })
    await expectMoneyConserved()
  })
})

describe('withdrawing', () => {
  const seller = sellers.two
  const withdraw = (body: unknown, key = a.admin) =>
    call('POST', `/v1/bonds/${seller}/withdrawals`, key, body)

  /** What escrow's lifecycle appends; the inline projection tracks the seller's open escrows. */
  async function escrowEvent(type: 'EscrowCreated' | 'EscrowReleased', escrowId: string) {
    const pactId = `pact_${escrowId.slice(4)}`
    const data =
      type === 'EscrowCreated'
        ? {
            escrowId,
            pactId,
            conditionHash: 'a'.repeat(64),
            amount: '1',
            buyer: { agentId: agent, orgId: await orgOf(svc, a.admin) },
            seller: { agentId: seller, orgId: await orgOf(svc, a.admin) },
            arbiter: 'tessera-jury',
            deadlineUtc: day(400),
            transferId: `lock-${escrowId}`,
            network: 'internal',
            createdAt: day(300),
          }
        : { escrowId, pactId, amount: '1', sellerAmount: '1', fee: '0', releasedAt: day(301) }
    await log().append(`escrow-${escrowId}`, 'any', [{ type, data }], {
      actor: { kind: 'system', id: 'test' },
    })
  }

  it('refuses while the agent sells under an open escrow, then within the cooldown; nothing moves', async () => {
    const before = await bond(seller)
    const escrowId = newId('esc')
    await escrowEvent('EscrowCreated', escrowId)
    expect(await withdraw({ amountUsdc: '1' })).toMatchObject({
      status: 409,
      body: { code: 'OPEN_ESCROWS_AS_SELLER' },
    })
    await escrowEvent('EscrowReleased', escrowId)
    expect(await withdraw({ amountUsdc: '1' })).toMatchObject({
      status: 409,
      body: { code: 'BOND_COOLDOWN' },
    })
    expect(await withdraw({ amountUsdc: '1000.000001' })).toMatchObject({
      status: 409,
      body: { code: 'INSUFFICIENT_BOND' },
    })
    expect(await withdraw({ amountUsdc: '1.1234567' })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_ERROR' },
    })
    expect(await bond(seller)).toEqual(before)
  })
})

describe('org isolation: another org’s agent’s bond is a 404', () => {
  it('GET /v1/bonds/:agentId', async () => {
    expect((await call('GET', `/v1/bonds/${agent}`, a.member)).status).toBe(200)
    expect(await call('GET', `/v1/bonds/${agent}`, b.admin)).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    })
  })
  it('POST /v1/bonds for another org’s agent', async () => {
    expect(await call('POST', '/v1/bonds', b.admin, { agentId: agent, amount: '1' })).toMatchObject(
      {
        status: 404,
        body: { code: 'NOT_FOUND' },
      },
    )
    expect((await bond(agent)).amount).toBe(usdc(1000))
  })
  it('POST /v1/bonds/:agentId/withdrawals', async () => {
    const path = `/v1/bonds/${agent}/withdrawals`
    expect(await call('POST', path, b.admin, { amount: '1' })).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    })
    // the owner reaches the rules, so a wrong path cannot pass unnoticed
    expect((await call('POST', path, a.admin, { amount: '1' })).status).toBe(409)
  })
  it('GET /v1/accounts/bond_… of another org', async () => {
    expect((await call('GET', `/v1/accounts/bond_${agent}`, b.admin)).status).toBe(404)
  })
})
