import { describe, expect, it } from 'vitest'
import type { ApprovalDenied } from '@tessera/contracts'
import { spec } from '@tessera/testing'
import {
  ApprovalAlreadyDecided,
  type ApprovalCommand,
  approvalDecider,
  ApprovalHasExpired,
  ApprovalNotFound,
  ApprovalNotUsable,
} from './approval.decider.ts'
import { type ApprovalEvent, parseApprovalEvent } from './approval.state.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const otherOrgId = 'org_zzzzzzzzzzzzzzzzzzzzzzzzzz'
const agentId = 'agt_0123456789abcdefghjkmnpqrs'
const approvalId = 'apr_0123456789abcdefghjkmnpqrs'
const checkId = 'chk_0123456789abcdefghjkmnpqrs'
const retriedCheckId = 'chk_zzzzzzzzzzzzzzzzzzzzzzzzzz'
const requestedAt = new Date('2026-11-21T10:00:00.000Z')
/** Minutes after the request. */
const at = (minutes: number) => new Date(requestedAt.getTime() + minutes * 60_000)
const decidedByKey = {
  keyId: 'key_0123456789abcdefghjkmnpqrs',
  userId: '01KBXV3Q8N2M4P6R8T0V2X4Z6A',
}
const approvalWindow = 15 * 60
const usableWindow = 5 * 60

const request: ApprovalCommand = {
  type: 'RequestApproval',
  request: {
    approvalId,
    orgId,
    agentId,
    action: 'pay the supplier',
    actionName: 'payments_transfer',
    actionEffect: 'destructive',
    toolInputSummary: '600 EUR to ACME',
    capability: 'payments:transfer',
    inputDigest: 'a'.repeat(64),
    checkId,
    rule: 'org.big_transfers',
    reason: 'transfers above 500 need a human',
  },
  windowSeconds: approvalWindow,
  now: requestedAt,
}
const requested: ApprovalEvent = {
  type: 'ApprovalRequested',
  data: {
    ...request.request,
    requestedAt: requestedAt.toISOString(),
    expiresAt: at(15).toISOString(),
  },
}
const approve = (minute: number, org = orgId): Extract<ApprovalCommand, { type: 'Approve' }> => ({
  type: 'Approve',
  orgId: org,
  decidedByKey,
  decidedBy: 'alice@acme.test',
  windowSeconds: usableWindow,
  now: at(minute),
})
const deny = (
  minute: number,
  reason?: string,
  org = orgId,
): Extract<ApprovalCommand, { type: 'Deny' }> => ({
  type: 'Deny',
  orgId: org,
  decidedByKey,
  decidedBy: 'alice@acme.test',
  reason,
  now: at(minute),
})
const expire = (minute: number): ApprovalCommand => ({ type: 'Expire', now: at(minute) })
const consume = (minute: number, org = orgId): ApprovalCommand => ({
  type: 'Consume',
  orgId: org,
  checkId: retriedCheckId,
  now: at(minute),
})

/** Approved five minutes in, so usable until ten minutes in. */
const approved: ApprovalEvent = {
  type: 'ApprovalApproved',
  data: {
    approvalId,
    orgId,
    decidedBy: 'alice@acme.test',
    decidedByKey,
    decidedAt: at(5).toISOString(),
    usableUntil: at(10).toISOString(),
  },
}
const denied: ApprovalEvent = {
  type: 'ApprovalDenied',
  data: {
    approvalId,
    orgId,
    decidedBy: 'alice@acme.test',
    decidedByKey,
    decidedAt: at(5).toISOString(),
  },
}
const expired = (minute: number): ApprovalEvent => ({
  type: 'ApprovalExpired',
  data: { approvalId, orgId, expiredAt: at(minute).toISOString() },
})
const consumed = (minute: number): ApprovalEvent => ({
  type: 'ApprovalConsumed',
  data: { approvalId, orgId, checkId: retriedCheckId, consumedAt: at(minute).toISOString() },
})

describe('approval decider', () => {
  describe('requesting', () => {
    it("opens an approval that lapses after the org's window", () => {
      spec(approvalDecider).given([]).when(request).then([requested])
    })

    it('happens once per approval', () => {
      spec(approvalDecider).given([requested]).when(request).thenThrows(ApprovalAlreadyDecided)
    })
  })

  describe('deciding', () => {
    it('approves a pending approval, usable for the approval window from now', () => {
      spec(approvalDecider).given([requested]).when(approve(5)).then([approved])
    })

    it('denies with the reason given', () => {
      spec(approvalDecider)
        .given([requested])
        .when(deny(5, 'not this supplier'))
        .then([{ ...denied, data: { ...denied.data, reason: 'not this supplier' } }])
    })

    it('denies without a reason, recording none', () => {
      spec(approvalDecider).given([requested]).when(deny(5)).then([denied])
      const state = approvalDecider.evolve(approvalDecider.initialState(), requested)
      const [event] = approvalDecider.decide(deny(5), state)
      expect(event?.data).not.toHaveProperty('reason')
    })

    it('records the deciding key and its user, and the note only when one was given', () => {
      const { decidedBy: _note, ...unnoted } = approved.data
      spec(approvalDecider)
        .given([requested])
        .when({ ...approve(5), decidedBy: undefined })
        .then([{ type: 'ApprovalApproved', data: unnoted }])
      const keyOnly = { keyId: decidedByKey.keyId }
      const [event] = approvalDecider.decide(
        { ...deny(5), decidedByKey: keyOnly },
        approvalDecider.evolve(approvalDecider.initialState(), requested),
      )
      expect(event?.data).toMatchObject({ decidedByKey: keyOnly })
      expect((event?.data as ApprovalDenied).decidedByKey).not.toHaveProperty('userId')
    })

    it('reads events recorded before binding and the deciding key existed', () => {
      const { capability: _c, inputDigest: _d, ...unbound } = requested.data
      const { decidedByKey: _k, ...noted } = approved.data
      const history = [
        parseApprovalEvent({ type: 'ApprovalRequested', data: unbound }),
        parseApprovalEvent({ type: 'ApprovalApproved', data: noted }),
      ]
      spec(approvalDecider)
        .given(history)
        .when(consume(9))
        .then([consumed(9)])
    })

    it.each([15, 16])('refuses a decision %i minutes in, once the window is over', (minute) => {
      spec(approvalDecider).given([requested]).when(approve(minute)).thenThrows(ApprovalHasExpired)
      spec(approvalDecider).given([requested]).when(deny(minute)).thenThrows(ApprovalHasExpired)
    })

    it('refuses a decision on an approval already expired, even inside the window', () => {
      spec(approvalDecider)
        .given([requested, expired(15)])
        .when(approve(14))
        .thenThrows(ApprovalHasExpired)
    })

    it('decides once: approving or denying again is refused', () => {
      for (const before of [approved, denied]) {
        spec(approvalDecider)
          .given([requested, before])
          .when(approve(6))
          .thenThrows(ApprovalAlreadyDecided)
        spec(approvalDecider)
          .given([requested, before])
          .when(deny(6))
          .thenThrows(ApprovalAlreadyDecided)
      }
      spec(approvalDecider)
        .given([requested, approved])
        .when(approve(20))
        .thenThrows(ApprovalAlreadyDecided)
    })

    it('does not find an approval of another org, nor one never requested', () => {
      spec(approvalDecider)
        .given([requested])
        .when(approve(5, otherOrgId))
        .thenThrows(ApprovalNotFound)
      spec(approvalDecider)
        .given([requested])
        .when(deny(5, undefined, otherOrgId))
        .thenThrows(ApprovalNotFound)
      spec(approvalDecider).given([]).when(approve(5)).thenThrows(ApprovalNotFound)
      spec(approvalDecider).given([]).when(deny(5)).thenThrows(ApprovalNotFound)
    })
  })

  describe('expiring', () => {
    it.each([15, 60])('lapses a pending approval %i minutes in', (minute) => {
      spec(approvalDecider)
        .given([requested])
        .when(expire(minute))
        .then([expired(minute)])
    })

    it('leaves a pending approval still within its window', () => {
      spec(approvalDecider).given([requested]).when(expire(14)).then([])
    })

    it('leaves a decided, expired or unknown approval as it is', () => {
      for (const history of [
        [requested, approved],
        [requested, denied],
        [requested, expired(15)],
        [],
      ]) {
        spec(approvalDecider).given(history).when(expire(60)).then([])
      }
    })
  })

  describe('consuming', () => {
    it('lets one retried check through before usableUntil', () => {
      spec(approvalDecider)
        .given([requested, approved])
        .when(consume(9))
        .then([consumed(9)])
    })

    it('lets only one through', () => {
      spec(approvalDecider)
        .given([requested, approved, consumed(6)])
        .when(consume(7))
        .thenThrows(ApprovalNotUsable)
    })

    it.each([10, 11])('lets none through %i minutes in, once usableUntil has passed', (minute) => {
      spec(approvalDecider)
        .given([requested, approved])
        .when(consume(minute))
        .thenThrows(ApprovalNotUsable)
    })

    it('lets none through unless approved', () => {
      for (const history of [[requested], [requested, denied], [requested, expired(15)]]) {
        spec(approvalDecider).given(history).when(consume(6)).thenThrows(ApprovalNotUsable)
      }
    })

    it('does not find an approval of another org, nor one never requested', () => {
      spec(approvalDecider)
        .given([requested, approved])
        .when(consume(6, otherOrgId))
        .thenThrows(ApprovalNotFound)
      spec(approvalDecider).given([]).when(consume(6)).thenThrows(ApprovalNotFound)
    })
  })
})
