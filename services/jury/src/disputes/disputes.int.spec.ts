import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dispute, VerdictReached } from '@tessera/contracts'
import { canonicalJson, sha256Hex } from '@tessera/crypto'
import { NotFoundError, TesseraError } from '@tessera/sdk'
import { eventually, expectRebuildEqualsLive } from '@tessera/testing'
import { OpenAiStub, type StubAnswer, voteJson } from '../testing/openai-stub.ts'
import { JuryHarness, type TestOrg } from '../testing/jury-harness.ts'
import { disputesProjection, judgeVotesProjection } from './disputes.projection.ts'

/**
 * End to end in one process: escrow's DisputeOpened on the bus, the seller's answer through the
 * SDK, panels of OpenAI-compatible judges (a real local chat-completions server, the real
 * `openai` client), VerdictReached on the bus, the audit record, and the appeal.
 */
let stub: OpenAiStub
let h: JuryHarness
let buyerOrg: TestOrg
let sellerOrg: TestOrg
let otherOrg: TestOrg
/** What each model answers now; tests change it. */
const answers = new Map<string, StubAnswer>()

const judges = (ids: string[]) =>
  JSON.stringify(
    ids.map((id) => ({ id, provider: 'openai-compatible', model: id, baseURL: stub.baseURL })),
  )
const panel = (votes: (number | 'down')[], prefix = 'j') =>
  votes.forEach((v, i) =>
    answers.set(`${prefix}${i + 1}`, v === 'down' ? { status: 500 } : { content: voteJson(v) }),
  )

beforeAll(async () => {
  stub = await OpenAiStub.start(
    (req) => answers.get(req.model) ?? { status: 404, body: { error: { message: 'no model' } } },
  )
  h = await JuryHarness.start({
    JURY_JUDGES: judges(['j1', 'j2', 'j3', 'j4', 'j5']),
    // the appeal's different mix: three models filling 2n+1 = 11 seats in turn
    JURY_APPEAL_JUDGES: judges(['a1', 'a2', 'a3']),
    JURY_JUDGE_TIMEOUT_MS: '2000',
    JURY_JUDGE_RETRIES: '0',
    JURY_RETRY_SECONDS: '1',
    JURY_RESPONSE_WINDOW_SECONDS: '3600',
  })
  ;[buyerOrg, sellerOrg, otherOrg] = [await h.org(), await h.org(), await h.org()]
}, 60_000)
afterAll(async () => {
  await h?.stop()
  await stub?.stop()
})

const until = (org: TestOrg, disputeId: string, ok: (d: Dispute) => boolean, what: string) =>
  eventually(
    async () => {
      const d = await org.client.disputes.get(disputeId)
      return ok(d) ? d : undefined
    },
    { what, timeoutMs: 20_000 },
  )

describe('a dispute from escrow to verdict', () => {
  it('reaches the trimmed median once the seller answers, and publishes VerdictReached', async () => {
    panel([55, 60, 65, 60, 70])
    const { disputeId, escrowId, pactId } = await h.openDispute(buyerOrg, sellerOrg)
    const opened = await buyerOrg.client.disputes.get(disputeId)
    expect(opened).toMatchObject({ status: 'awaiting_response', claimant: 'buyer', verdict: null })

    // the buyer opened it (through escrow's system dispute): it is the seller's to answer
    await expect(
      buyerOrg.client.disputes.respond({ disputeId, response: 'mine' }),
    ).rejects.toMatchObject({ status: 403, code: 'DISPUTE_NOT_RESPONDENT' })
    await sellerOrg.client.disputes.respond({ disputeId, response: 'bear case is in the appendix' })

    const decided = await until(buyerOrg, disputeId, (d) => d.verdict !== null, 'a verdict')
    expect(decided).toMatchObject({
      status: 'decided',
      verdict: { releasePercentage: 60, round: 1 },
    })

    const [published] = (
      await eventually(
        async () => {
          const es = await h.published('VerdictReached')
          return es.some((e) => (e.data as VerdictReached).disputeId === disputeId) ? es : undefined
        },
        { what: 'VerdictReached on the JURY stream' },
      )
    ).filter((e) => (e.data as VerdictReached).disputeId === disputeId)
    const verdict = published!.data as VerdictReached
    expect(verdict).toMatchObject({ escrowId, pactId, releasePercentage: 60, round: 1 })
    expect(verdict.trimmed).toHaveLength(2)
    expect(verdict.votes.map((v) => v.releasePercentage).sort()).toEqual([55, 60, 60, 65, 70])

    // the record: both parties read it, its hash is the verdict's, another org gets a 404
    const record = await sellerOrg.client.disputes.record(disputeId)
    const [round] = record.rounds
    const { recordHash, ...content } = round!
    expect(recordHash).toBe(verdict.recordHash)
    expect(sha256Hex(canonicalJson(content))).toBe(verdict.recordHash)
    expect(round!.panels[0]!.evidenceHash).toBe(verdict.evidenceHash)
    expect(sha256Hex(canonicalJson(round!.panels[0]!.evidence))).toBe(verdict.evidenceHash)
    const ballot = round!.panels[0]!.ballots[0]!
    expect(ballot).toMatchObject({ provider: 'openai-compatible', excluded: null })
    expect(ballot.prompt.user).toContain('<evidence name="deliverable">')
    expect(ballot.prompt.user).toContain('bear case is in the appendix')
    expect(round!.panels[0]!.aggregation).toMatchObject({ trimPerSide: 1, median: 60 })
    // the room excerpt: what happened under the pact and the escrow, by event, in order
    const excerpt = (round!.panels[0]!.evidence as { roomExcerpt: { type: string }[] }).roomExcerpt
    expect(excerpt.map((x) => x.type)).toEqual([
      'PactRegistered',
      'CompletionSubmitted',
      'DisputeOpened',
    ])
    expect(ballot.prompt.user).toContain('<evidence name="room_excerpt">')
    expect(round!.split).toEqual({
      amount: '500000000',
      fee: '5000000',
      sellerAmount: '297000000',
      buyerAmount: '198000000',
    })
    expect(await buyerOrg.client.disputes.record(disputeId)).toEqual(record)
    await expect(otherOrg.client.disputes.record(disputeId)).rejects.toBeInstanceOf(NotFoundError)
    await expect(otherOrg.client.disputes.get(disputeId)).rejects.toBeInstanceOf(NotFoundError)
  })

  it('settles nothing with 3 of 5 judges down, and decides when the retry finds a quorum', async () => {
    panel([60, 'down', 'down', 'down', 62])
    const { disputeId } = await h.openDispute(buyerOrg, sellerOrg)
    await sellerOrg.client.disputes.respond({ disputeId, response: 'done' })
    await eventually(
      async () => ((await h.eventCount('QuorumMissed', disputeId)) >= 1 ? true : undefined),
      { what: 'a missed quorum', timeoutMs: 20_000 },
    )
    const waiting = await buyerOrg.client.disputes.get(disputeId)
    expect(waiting).toMatchObject({ status: 'deliberating', verdict: null })
    expect(await h.eventCount('VerdictReached', disputeId)).toBe(0)

    // the judges come back: the scheduled retry sits again and decides
    panel([60, 61, 63, 64, 62])
    const decided = await until(buyerOrg, disputeId, (d) => d.verdict !== null, 'the retry')
    expect(decided.verdict!.releasePercentage).toBe(62)
    expect(decided.attempt).toBeGreaterThanOrEqual(2)
    const record = await buyerOrg.client.disputes.record(disputeId)
    const first = record.rounds[0]!.panels[0]!
    expect(first.aggregation).toBeNull()
    expect(first.ballots.filter((b) => b.excluded?.reason === 'error')).toHaveLength(3)
  })

  it('takes an appeal: a 2n+1 panel of the appeal mix, whose verdict replaces the first', async () => {
    panel([55, 60, 65, 60, 70])
    const { disputeId } = await h.openDispute(buyerOrg, sellerOrg)
    await sellerOrg.client.disputes.respond({ disputeId, response: 'done' })
    await until(buyerOrg, disputeId, (d) => d.status === 'decided', 'the first verdict')

    panel([40, 40, 45], 'a')
    const appealed = await buyerOrg.client.disputes.appeal({
      disputeId,
      reason: 'sections missing',
    })
    expect(appealed).toMatchObject({
      status: 'appealed',
      round: 2,
      appeal: { party: 'buyer', fee: '5000000' },
    })
    await expect(
      sellerOrg.client.disputes.appeal({ disputeId, reason: 'me too' }),
    ).rejects.toMatchObject({ status: 409, code: 'DISPUTE_ALREADY_APPEALED' })

    const final = await until(buyerOrg, disputeId, (d) => d.verdict?.round === 2, 'round 2')
    expect(final).toMatchObject({ status: 'final', verdict: { round: 2, releasePercentage: 40 } })
    const record = await sellerOrg.client.disputes.record(disputeId)
    const round2 = record.rounds[1]!
    expect(round2.panels[0]!.ballots).toHaveLength(11)
    expect(new Set(round2.panels[0]!.ballots.map((b) => b.model))).toEqual(
      new Set(['a1', 'a2', 'a3']),
    )
    expect(round2.panels[0]!.aggregation!.trimPerSide).toBe(2)
    // the outbox relay publishes after the commit: wait for both on the JURY stream
    const verdicts = await eventually(
      async () => {
        const vs = (await h.published('VerdictReached'))
          .map((e) => e.data as VerdictReached)
          .filter((v) => v.disputeId === disputeId)
        return vs.length === 2 ? vs : undefined
      },
      { what: 'both verdicts published' },
    )
    expect(verdicts.map((v) => [v.round, v.releasePercentage])).toEqual([
      [1, 60],
      [2, 40],
    ])
    expect(verdicts[1]!.appealableUntil).toBeNull()
    expect((await h.published('AppealFiled')).length).toBeGreaterThanOrEqual(1)
  })

  it('refuses bad input with a 400 and stores nothing', async () => {
    const { disputeId } = await h.openDispute(buyerOrg, sellerOrg)
    const err = await sellerOrg.client.disputes
      .respond({ disputeId, response: '' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TesseraError)
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' })
    const call = async (method: string, path: string, body?: string) => {
      const res = await fetch(`${h.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${sellerOrg.apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body ?? null,
      })
      return { status: res.status, body: (await res.json()) as { code?: string } }
    }
    const respond = `/v1/disputes/${disputeId}/respond`
    const bad: [string, string, string | undefined][] = [
      ['GET', '/v1/disputes?status=bogus', undefined],
      ['GET', '/v1/disputes?cursor=not-a-cursor', undefined],
      ['POST', respond, '{"response": "x", "evidence": ["' + 'a'.repeat(70_000) + '"]}'],
      ['POST', respond, '{"response": "x", "extra": 1}'],
      ['POST', respond, '{"response": "x"'],
      ['POST', respond, '{"response": "\\u0000"}'],
      ['POST', `/v1/disputes/${disputeId}/appeal`, '{"reason": 42}'],
    ]
    for (const [method, path, body] of bad) {
      const res = await call(method, path, body)
      expect(res.status, `${method} ${path} ${body?.slice(0, 40)}`).toBeGreaterThanOrEqual(400)
      expect(res.status, `${method} ${path} ${body?.slice(0, 40)}`).toBeLessThan(500)
      expect(res.body.code).toMatch(/^[A-Z_]+$/)
    }
    expect(await h.eventCount('DisputeResponded', disputeId)).toBe(0)
    expect(await h.eventCount('AppealFiled', disputeId)).toBe(0)
  })

  it('rebuilds disputes and judge_votes from the log to the same rows', async () => {
    const counts = await expectRebuildEqualsLive(h.svc.db, h.svc.schema, [
      disputesProjection,
      judgeVotesProjection,
    ])
    expect(counts['disputes']).toBeGreaterThanOrEqual(4)
    // 5 + 5 (quorum missed) + 5 (retry) + 5 + 11 (appeal) seats at least
    expect(counts['judge_votes']).toBeGreaterThanOrEqual(31)
  })
})
