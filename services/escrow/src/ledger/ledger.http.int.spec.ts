import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '@tessera/service-kit'
import {
  type InProcessService,
  type RoleKeys,
  seedRoleKeys,
  startInProcess,
} from '@tessera/testing'
import type { AccountBalance, AccountList, CreditResult, Statement } from '@tessera/contracts'
import { escrow } from '../service.ts'
import { caller, orgOf, registerAgents } from '../testing/escrow-http.ts'

/**
 * The ledger's HTTP face: wallets opened from guardian's events, the admin credit through the
 * internal rail (idempotent, refusing bad amounts with nothing stored), statements whose lines
 * name their event, and org isolation: another org's account is a 404 on every route.
 */
let svc: InProcessService
let a: RoleKeys
let b: RoleKeys
const agentA = newId('agt')
const agentB = newId('agt')
const walletA = `acct_${agentA}`
const walletB = `acct_${agentB}`

const call = caller(() => svc)

beforeAll(async () => {
  svc = await startInProcess(escrow)
  a = await seedRoleKeys(svc)
  b = await seedRoleKeys(svc)
  await registerAgents(svc, [
    { agentId: agentA, orgId: await orgOf(svc, a.admin) },
    { agentId: agentB, orgId: await orgOf(svc, b.admin) },
  ])
})
afterAll(() => svc?.stop())

describe('wallets and the admin credit', () => {
  it("opens an empty wallet for each agent guardian registers, in the agent's org", async () => {
    const { status, body } = await call<AccountList>('GET', '/v1/accounts', a.member)
    expect(status).toBe(200)
    expect(body.accounts).toEqual([
      expect.objectContaining({ accountId: walletA, kind: 'agent', agentId: agentA, balance: '0' }),
    ])
  })

  it('credits once per transferId, records FundsDeposited, and the posting names that event', async () => {
    const first = await call<CreditResult>('POST', `/v1/accounts/${walletA}/credits`, a.admin, {
      amountUsdc: '12.5',
      transferId: 'demo-1',
    })
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({
      transferId: `${walletA}:demo-1`,
      created: true,
      rail: 'internal',
      account: { balance: '12500000', available: '12500000', locked: '0' },
    })
    const again = await call<CreditResult>('POST', `/v1/accounts/${walletA}/credits`, a.admin, {
      amount: '12500000',
      transferId: 'demo-1',
    })
    expect(again.body).toMatchObject({ created: false, eventId: first.body['eventId'] })
    expect(again.body.account.balance).toBe('12500000')
    const changed = await call('POST', `/v1/accounts/${walletA}/credits`, a.admin, {
      amount: '1',
      transferId: 'demo-1',
    })
    expect(changed).toMatchObject({ status: 409, body: { code: 'EXISTS_WITH_DIFFERENT_FIELDS' } })

    const { rows } = await sql<{ type: string; data: { transferId: string } }>`
      select type, data from ${sql.id(svc.schema)}.events
      where event_id = ${first.body.eventId}`.execute(svc.db)
    expect(rows).toEqual([
      {
        type: 'FundsDeposited',
        data: expect.objectContaining({ transferId: `${walletA}:demo-1` }) as unknown,
      },
    ])
  })

  it('credits once when the same transferId arrives five times at once', async () => {
    const before = (await call<AccountBalance>('GET', `/v1/accounts/${walletB}`, b.admin)).body
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        call<CreditResult>('POST', `/v1/accounts/${walletB}/credits`, b.admin, {
          amount: '3',
          transferId: 'burst',
        }),
      ),
    )
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201])
    expect(answers.filter((r) => r.body.created)).toHaveLength(1)
    expect(new Set(answers.map((r) => r.body.eventId)).size).toBe(1)
    const after = await call<AccountBalance>('GET', `/v1/accounts/${walletB}`, b.admin)
    expect(BigInt(after.body.balance) - BigInt(before.balance)).toBe(3n)
  })

  it('pages a statement, each line linking its transfer and event', async () => {
    await call('POST', `/v1/accounts/${walletA}/credits`, a.admin, { amount: '7' })
    const page1 = await call<Statement>(
      'GET',
      `/v1/accounts/${walletA}/statement?limit=1`,
      a.member,
    )
    expect(page1.status).toBe(200)
    expect(page1.body.items).toEqual([
      expect.objectContaining({
        transferId: `${walletA}:demo-1`,
        direction: 'credit',
        amount: '12500000',
        counterpartyAccountId: 'rail_internal',
        code: 'deposit',
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
        balanceAfter: { balance: '12500000', available: '12500000', locked: '0' },
      }),
    ])
    const page2 = await call<Statement>(
      'GET',
      `/v1/accounts/${walletA}/statement?limit=1&cursor=${page1.body.nextCursor!}`,
      a.member,
    )
    expect(page2.body.items[0]).toMatchObject({
      amount: '7',
      balanceAfter: { balance: '12500007' },
    })
    expect(page2.body.nextCursor).toBeNull()
    const bad = await call('GET', `/v1/accounts/${walletA}/statement?cursor=nope`, a.member)
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } })
  })

  it.each([
    ['7 decimals', { amountUsdc: '1.1234567' }],
    ['a negative amount', { amount: '-5' }],
    ['zero', { amount: '0' }],
    ['an enormous amount', { amount: '1' + '0'.repeat(30) }],
    ['an enormous USDC amount', { amountUsdc: '1000000001' }],
    ['a number', { amount: 5 }],
    ['a float in USDC', { amountUsdc: 1.5 }],
    ['both amounts', { amount: '1', amountUsdc: '1' }],
    ['no amount', {}],
    ['an unknown field', { amount: '1', note: 'x' }],
    ['a bad transferId', { amount: '1', transferId: 'a b' }],
  ])('refuses %s with 400 VALIDATION_ERROR and moves nothing', async (_, body) => {
    const before = (await call<AccountBalance>('GET', `/v1/accounts/${walletA}`, a.admin)).body
      .balance
    const res = await call('POST', `/v1/accounts/${walletA}/credits`, a.admin, body)
    expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } })
    const after = await call<AccountBalance>('GET', `/v1/accounts/${walletA}`, a.admin)
    expect(after.body.balance).toBe(before)
  })
})

describe('org isolation: another org’s account is a 404 on every route', () => {
  const routes = (id: string): [string, string, unknown?][] => [
    ['GET', `/v1/accounts/${id}`],
    ['GET', `/v1/accounts/${id}/statement`],
    ['POST', `/v1/accounts/${id}/credits`, { amount: '1' }],
  ]
  it.each(routes(walletA))('%s %s', async (method, path, body) => {
    // works for the owner, so a wrong path cannot pass unnoticed
    expect((await call(method, path, a.admin, body)).status).toBeLessThan(300)
    expect(await call(method, path, b.admin, body)).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    })
  })
  it('lists only its own accounts', async () => {
    const list = await call<AccountList>('GET', '/v1/accounts', b.admin)
    const ids = list.body.accounts.map((x) => x.accountId)
    expect(ids).toEqual([walletB])
  })
  it.each(['platform_fees', 'rail_internal', 'platform_escrow'])(
    'no org reads or credits the platform account %s',
    async (id) => {
      for (const [method, path, body] of routes(id)) {
        expect((await call(method, path, a.admin, body)).status).toBe(404)
      }
    },
  )
})
