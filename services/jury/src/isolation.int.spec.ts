import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '@tessera/testing'
import { JuryHarness, type TestOrg } from './testing/jury-harness.ts'

/**
 * Org isolation of disputes, as a matrix: a dispute is its two parties' orgs' (A the buyer's,
 * B the seller's) and no one else's. Org C (member and admin keys) calls every jury endpoint on
 * it: each is a 404 NOT_FOUND or a list without it, nothing of it comes back, and it is
 * untouched after. The default (rules) panel decides it first, so the record has content.
 */
let h: JuryHarness
let a: TestOrg
let b: TestOrg
let c: TestOrg
let cAdmin: TestOrg
let disputeId: string

const call = async (org: TestOrg, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${org.apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  })
  return { status: res.status, text: await res.text() }
}

beforeAll(async () => {
  h = await JuryHarness.start({ JURY_RESPONSE_WINDOW_SECONDS: '1' })
  ;[a, b, c] = [await h.org('admin'), await h.org(), await h.org()]
  cAdmin = { ...(await h.org('admin')), orgId: c.orgId }
  ;({ disputeId } = await h.openDispute(a, b))
  // the window closes after 1 s; the rules panel (the default) decides 3 of 5 sections → 60
  await eventually(
    async () => ((await a.client.disputes.get(disputeId)).verdict ? true : undefined),
    { what: 'the rules verdict', timeoutMs: 20_000 },
  )
}, 60_000)
afterAll(async () => {
  await h?.stop()
})

describe('jury: another org sees nothing of a dispute', () => {
  it('the parties see it, decided by the rules panel and labelled so', async () => {
    const d = await b.client.disputes.get(disputeId)
    expect(d.verdict).toMatchObject({ releasePercentage: 60, round: 1 })
    const record = await a.client.disputes.record(disputeId)
    const ballots = record.rounds[0]!.panels[0]!.ballots
    expect(ballots).toHaveLength(5)
    expect(
      ballots.every((x) => x.provider === 'rules' && x.model === 'deliverable-conditions-v1'),
    ).toBe(true)
    expect((await call(a, 'GET', '/v1/jury/judges')).text).toContain('"coherence":1')
  })

  const rows: { name: string; method: string; path: () => string; body?: unknown }[] = [
    { name: 'get', method: 'GET', path: () => `/v1/disputes/${disputeId}` },
    { name: 'record', method: 'GET', path: () => `/v1/disputes/${disputeId}/record` },
    {
      name: 'respond',
      method: 'POST',
      path: () => `/v1/disputes/${disputeId}/respond`,
      body: { response: 'not mine' },
    },
    {
      name: 'appeal',
      method: 'POST',
      path: () => `/v1/disputes/${disputeId}/appeal`,
      body: { reason: 'not mine' },
    },
  ]

  it.each(rows)('$name by another org is a 404 that names nothing of it', async (row) => {
    const before = await h.eventCount('AppealFiled', disputeId)
    for (const org of [c, cAdmin]) {
      const res = await call(org, row.method, row.path(), row.body)
      expect(res.status, res.text).toBe(404)
      expect(JSON.parse(res.text)).toMatchObject({ code: 'NOT_FOUND' })
      expect(res.text).not.toContain(a.orgId)
      expect(res.text).not.toContain(b.orgId)
    }
    expect(await h.eventCount('AppealFiled', disputeId)).toBe(before)
    expect(await h.eventCount('DisputeResponded', disputeId)).toBe(0)
  })

  it('lists and judge records of another org leave it out', async () => {
    const list = await call(c, 'GET', '/v1/disputes')
    expect(JSON.parse(list.text)).toEqual({ items: [], nextCursor: null })
    const judges = await call(cAdmin, 'GET', '/v1/jury/judges')
    expect(JSON.parse(judges.text)).toEqual({ judges: [] })
    expect((await a.client.disputes.list()).items.map((d) => d.disputeId)).toEqual([disputeId])
  })
})
