import { describe, expect, it } from 'vitest'
import type { DisputeOpened, JudgeBallot } from '@tessera/contracts'
import { spec } from '@tessera/testing'
import { type DisputeCommand, decide, disputeDecider } from './dispute.decider.ts'
import * as E from './dispute.errors.ts'
import { type DisputeEvent, evolve, initialState } from './dispute.state.ts'

const id = (p: string, c: string) => `${p}_${c.repeat(26)}`
const buyerOrg = id('org', 'a')
const sellerOrg = id('org', 'b')
const otherOrg = id('org', 'c')
const buyer = { agentId: id('agt', 'a'), orgId: buyerOrg }
const seller = { agentId: id('agt', 'b'), orgId: sellerOrg }
const opened: DisputeOpened = {
  disputeId: id('dsp', '1'),
  escrowId: id('esc', '1'),
  pactId: id('pact', '1'),
  disputedBy: buyer.agentId,
  reason: 'the bear scenario is missing',
  evidence: [],
  buyer,
  seller,
  amount: '500000000',
  openedAt: '2026-12-06T10:00:00.000Z',
}
const t = (iso: string) => new Date(`2026-12-06T${iso}Z`)
const received: DisputeEvent = {
  type: 'DisputeReceived',
  data: { ...opened, claimant: 'buyer', respondBy: '2026-12-06T11:00:00.000Z' },
}
const respond = (orgId: string, now = t('10:30:00')): DisputeCommand => ({
  type: 'RespondToDispute',
  callerOrgId: orgId,
  response: 'all three scenarios are there',
  evidence: [],
  now,
})
const ballot = (n: number, pct: number | null): JudgeBallot => ({
  judgeId: `j${n}`,
  provider: 'rules',
  model: 'm',
  raw: pct === null ? null : '{}',
  vote:
    pct === null
      ? null
      : { scopeMet: 'partial', qualityMet: false, releasePercentage: pct, reasoning: 'r' },
  excluded: pct === null ? { reason: 'timeout', detail: 'no answer' } : null,
  attempts: 1,
  ms: 1,
})
const panel = (
  pcts: (number | null)[],
  over: Partial<Extract<DisputeCommand, { type: 'RecordPanel' }>> = {},
): DisputeCommand => ({
  type: 'RecordPanel',
  round: 1,
  attempt: 1,
  evidence: { any: 'thing' },
  evidenceHash: 'e'.repeat(64),
  prompt: { system: 's', user: 'u' },
  ballots: pcts.map((p, i) => ballot(i, p)),
  quorum: 3,
  now: t('11:00:00'),
  retryAfterSeconds: 60,
  appealWindowSeconds: 3600,
  ...over,
})
const fold = (events: DisputeEvent[]) => events.reduce(evolve, initialState())

describe('dispute decider', () => {
  it('takes in a DisputeOpened once, with the response window', () => {
    spec(disputeDecider)
      .given([])
      .when({ type: 'ReceiveDispute', opened, now: t('10:00:00'), responseWindowSeconds: 3600 })
      .then([received])
    spec(disputeDecider)
      .given([received])
      .when({ type: 'ReceiveDispute', opened, now: t('10:05:00'), responseWindowSeconds: 3600 })
      .then([])
  })

  it('lets the seller respond inside the window, once', () => {
    const [ev] = decide(respond(sellerOrg), fold([received]))
    expect(ev).toMatchObject({
      type: 'DisputeResponded',
      data: { party: 'seller', byOrgId: sellerOrg },
    })
    spec(disputeDecider)
      .given([received, ev!])
      .when(respond(sellerOrg))
      .thenThrows(E.AlreadyResponded)
  })
  it('refuses the claimant, another org and a late response', () => {
    spec(disputeDecider).given([received]).when(respond(buyerOrg)).thenThrows(E.NotRespondent)
    spec(disputeDecider).given([received]).when(respond(otherOrg)).thenThrows(E.DisputeNotFound)
    spec(disputeDecider)
      .given([received])
      .when(respond(sellerOrg, t('11:00:00')))
      .thenThrows(E.ResponseWindowClosed)
  })

  it('sits no panel before the window closes unless answered', () => {
    spec(disputeDecider)
      .given([received])
      .when(panel([50, 50, 50], { now: t('10:59:59') }))
      .then([])
  })

  it('reaches the trimmed median of five votes, appealable for the window', () => {
    const events = decide(panel([55, 60, 65, 60, 70]), fold([received]))
    expect(events.map((e) => e.type)).toEqual(['PanelSat', 'VerdictReached'])
    expect(events[1]!.data).toMatchObject({
      releasePercentage: 60,
      trimmed: ['j0', 'j4'],
      round: 1,
      appealableUntil: '2026-12-06T12:00:00.000Z',
    })
  })

  it('settles nothing on too few votes: QuorumMissed, then the next attempt counts', () => {
    const first = decide(panel([60, null, null, null, 70]), fold([received]))
    expect(first.map((e) => e.type)).toEqual(['PanelSat', 'QuorumMissed'])
    expect(first[1]!.data).toMatchObject({
      votes: 2,
      quorum: 3,
      retryAt: '2026-12-06T11:01:00.000Z',
    })
    // the same attempt again (a job run twice) decides nothing
    spec(disputeDecider)
      .given([received, ...first])
      .when(panel([60, 60, 60]))
      .then([])
    const second = decide(panel([60, 60, 61], { attempt: 2 }), fold([received, ...first]))
    expect(second.map((e) => e.type)).toEqual(['PanelSat', 'VerdictReached'])
  })

  it('takes one appeal from either party inside the window, then a round-2 verdict is final', () => {
    const verdict = decide(panel([55, 60, 65, 60, 70]), fold([received]))
    const history = [received, ...verdict]
    const appealCmd = (orgId: string, now = t('11:30:00')): DisputeCommand => ({
      type: 'FileAppeal',
      callerOrgId: orgId,
      reason: 'wrong',
      fee: '5000000',
      now,
    })
    const [filed] = decide(appealCmd(sellerOrg), fold(history))
    expect(filed).toMatchObject({
      type: 'AppealFiled',
      data: { party: 'seller', feePayerAgentId: seller.agentId, fee: '5000000' },
    })
    spec(disputeDecider)
      .given([...history, filed!])
      .when(appealCmd(buyerOrg))
      .thenThrows(E.AlreadyAppealed)
    spec(disputeDecider)
      .given(history)
      .when(appealCmd(buyerOrg, t('12:00:00')))
      .thenThrows(E.AppealWindowClosed)
    spec(disputeDecider).given(history).when(appealCmd(otherOrg)).thenThrows(E.DisputeNotFound)
    spec(disputeDecider).given([received]).when(appealCmd(buyerOrg)).thenThrows(E.NotAppealable)

    const round2 = decide(
      panel([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10], { round: 2, now: t('11:31:00') }),
      fold([...history, filed!]),
    )
    expect(round2[1]).toMatchObject({
      type: 'VerdictReached',
      data: { round: 2, releasePercentage: 10, appealableUntil: null },
    })
    expect(fold([...history, filed!, ...round2]).status).toBe('final')
  })
})
