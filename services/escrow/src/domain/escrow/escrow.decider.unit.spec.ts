import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { VerdictReached } from '@tessera/contracts'
import { deliverableHash, settlementHash, signCompletion, signHash } from '@tessera/crypto'
import { spec } from '@tessera/testing'
import {
  DISPUTE_WINDOW_MS,
  type EscrowCommand,
  GRACE_MS,
  decide,
  escrowDecider,
} from './escrow.decider.ts'
import { EscrowRefused } from './escrow.errors.ts'
import { pactFixture } from './escrow.fixtures.ts'
import type { EscrowEvent } from './escrow.state.ts'

const { pact, buyerKeys, sellerKeys } = pactFixture()
const escrowId = 'esc_01jc0000000000000000000000'
const disputeId = 'dsp_01jc0000000000000000000000'
const createdAt = new Date('2026-12-06T12:00:00.000Z')
const deadline = Date.parse(pact.deadlineUtc)
const at = (ms: number) => new Date(ms)

const create = (
  over: Partial<Extract<EscrowCommand, { type: 'CreateEscrow' }>['input']> = {},
  p = pact as typeof pact | null,
  callerOrgId = pact.buyer.orgId,
): EscrowCommand => ({
  type: 'CreateEscrow',
  escrowId,
  callerOrgId,
  now: createdAt,
  transferId: `${escrowId}:lock`,
  pact: p,
  input: { pactId: pact.pactId, amount: pact.amount, conditionHash: pact.pactHash, ...over },
})

const created = decide(create(), escrowDecider.initialState())
const submittedAt = new Date(deadline - 3600_000)

function completion(
  deliverable: unknown,
  metrics: Record<string, unknown>,
  over: Partial<Extract<EscrowCommand, { type: 'SubmitCompletion' }>['input']> = {},
  callerOrgId = pact.seller.orgId,
): EscrowCommand {
  return {
    type: 'SubmitCompletion',
    callerOrgId,
    now: submittedAt,
    disputeId,
    pact,
    sellerRevoked: false,
    input: {
      pactId: pact.pactId,
      deliverable,
      ...signCompletion(deliverable, sellerKeys.secretKey),
      completionTimeUtc: submittedAt.toISOString(),
      executionMetrics: metrics,
      ...over,
    },
  }
}

const good = { rows: 12 }
const passed = decide(completion(good, { accuracy: 0.95 }), fold(created))
const failed = decide(completion({ rows: 1 }, { accuracy: 0.1 }), fold(created))
const partial = decide(completion({ rows: 12 }, { accuracy: 0.1 }), fold(created))

function fold(events: EscrowEvent[]) {
  return events.reduce(escrowDecider.evolve, escrowDecider.initialState())
}

/** The command is refused with this code, and decides nothing. */
function refuses(given: EscrowEvent[], command: EscrowCommand, code: string) {
  let thrown: unknown
  try {
    decide(command, fold(given))
  } catch (err) {
    thrown = err
  }
  expect(thrown).toBeInstanceOf(EscrowRefused)
  expect((thrown as EscrowRefused).code).toBe(code)
}

const expire = (
  now: number,
  sellerLastSeenAt: Date | null = null,
  graceMs = GRACE_MS,
): EscrowCommand => ({
  type: 'ExpireEscrow',
  now: at(now),
  sellerLastSeenAt,
  graceMs,
})

const verdict = (releasePercentage: number, id = disputeId): VerdictReached => ({
  disputeId: id,
  escrowId,
  pactId: pact.pactId,
  releasePercentage,
  votes: [],
  trimmed: [],
  evidenceHash: 'b'.repeat(64),
  judges: [],
  recordHash: 'c'.repeat(64),
  round: 1,
  reachedAt: submittedAt.toISOString(),
})

describe('create', () => {
  it('locks the pact’s payment against its hash', () => {
    spec(escrowDecider)
      .given([])
      .when(create())
      .then([
        {
          type: 'EscrowCreated',
          data: {
            escrowId,
            pactId: pact.pactId,
            conditionHash: pact.pactHash,
            amount: pact.amount,
            buyer: pact.buyer,
            seller: pact.seller,
            arbiter: pact.arbiter,
            deadlineUtc: pact.deadlineUtc,
            transferId: `${escrowId}:lock`,
            network: 'internal',
            createdAt: createdAt.toISOString(),
          },
        },
      ])
  })

  it("takes the parties' DIDs where the reference passes them, as well as their agent ids", () => {
    const byDid = create({ buyerAgentId: pact.buyer.did, sellerAgentId: pact.seller.did })
    expect(escrowDecider.decide(byDid, escrowDecider.initialState())[0]?.type).toBe('EscrowCreated')
    refuses([], create({ buyerAgentId: pact.seller.did }), 'PARTY_MISMATCH')
  })

  it('refuses what does not match the pact, or a pact escrow has not seen', () => {
    refuses([], create({}, null), 'PACT_NOT_FOUND_YET')
    refuses([], create({ conditionHash: 'f'.repeat(64) }), 'CONDITION_HASH_MISMATCH')
    refuses([], create({ amount: '9999999' }), 'AMOUNT_MISMATCH')
    refuses([], create({ buyerAgentId: pact.seller.agentId }), 'PARTY_MISMATCH')
    refuses([], create({ sellerAgentId: pact.buyer.agentId }), 'PARTY_MISMATCH')
    refuses([], create({ arbiter: 'someone-else' }), 'ARBITER_MISMATCH')
    refuses([], create({ deadlineUtc: '2027-01-01T00:00:00Z' }), 'DEADLINE_MISMATCH')
    refuses([], create({}, { ...pact, deadlineUtc: '2026-12-01T00:00:00Z' }), 'DEADLINE_PASSED')
    refuses(created, create(), 'ESCROW_EXISTS')
  })

  it('is the buyer’s: the seller’s org is refused, anyone else does not see the pact', () => {
    refuses([], create({}, pact, pact.seller.orgId), 'NOT_THE_BUYER')
    refuses([], create({}, pact, 'org_other'), 'NOT_FOUND')
  })
})

describe('submitCompletion', () => {
  it('pass: records each condition and releases less the 0.5% fee', () => {
    expect(passed.map((e) => e.type)).toEqual(['CompletionSubmitted', 'EscrowReleased'])
    const [done, released] = passed as [
      Extract<EscrowEvent, { type: 'CompletionSubmitted' }>,
      Extract<EscrowEvent, { type: 'EscrowReleased' }>,
    ]
    expect(done.data.verification).toBe('pass')
    expect(done.data.results).toEqual([
      { name: 'accuracy', passed: true },
      { name: 'rows', passed: true },
    ])
    expect(released.data).toMatchObject({
      amount: '10000000',
      sellerAmount: '9950000',
      fee: '50000',
    })
  })

  it('partial: a dispute opens by itself, raised by the system', () => {
    expect(partial.map((e) => e.type)).toEqual(['CompletionSubmitted', 'DisputeOpened'])
    expect(partial[1]!.data).toMatchObject({ disputedBy: 'system', disputeId, amount: pact.amount })
  })

  it('fail: the escrow stays locked', () => {
    expect(failed.map((e) => e.type)).toEqual(['CompletionSubmitted'])
    expect(fold([...created, ...failed]).status).toBe('locked')
  })

  it('refuses a forged signature, a hash that is not the deliverable’s, the wrong party', () => {
    const forged = signHash(deliverableHash(good), buyerKeys.secretKey)
    refuses(created, completion(good, {}, { sellerSignature: forged }), 'INVALID_SELLER_SIGNATURE')
    refuses(
      created,
      completion(good, {}, { deliverable: { rows: 13 } }),
      'DELIVERABLE_HASH_MISMATCH',
    )
    refuses(
      created,
      completion(good, {}, { pactId: 'pact_01jc0000000000000000000001' }),
      'PACT_MISMATCH',
    )
    refuses(created, completion(good, {}, {}, pact.buyer.orgId), 'NOT_THE_SELLER')
    refuses([], completion(good, {}), 'NOT_FOUND')
    const revoked = { ...completion(good, {}), sellerRevoked: true } as EscrowCommand
    refuses(created, revoked, 'SELLER_REVOKED')
  })

  it('refuses a second completion, one after the deadline, and one on a settled escrow', () => {
    refuses([...created, ...failed], completion(good, {}), 'COMPLETION_ALREADY_SUBMITTED')
    refuses(created, { ...completion(good, {}), now: at(deadline + 1) }, 'DEADLINE_PASSED')
    refuses([...created, ...passed], completion(good, {}), 'ESCROW_NOT_LOCKED')
    refuses([...created, ...partial], completion(good, {}), 'ESCROW_DISPUTED')
  })
})

describe('deadline', () => {
  const missed = decide(expire(deadline), fold(created))

  it('refunds when nothing was delivered and the seller was not seen', () => {
    expect(missed.map((e) => e.type)).toEqual(['DeadlineMissed', 'EscrowRefunded'])
    expect(missed[0]!.data).toMatchObject({
      graceApplied: false,
      sellerAgentId: pact.seller.agentId,
    })
    expect(missed[1]!.data).toMatchObject({ reason: 'deadline_missed', amount: pact.amount })
  })

  it('grants 48 h once when the seller was seen alive in [createdAt, deadline]', () => {
    const seen = at(deadline - 60_000)
    const extended = decide(expire(deadline, seen), fold(created))
    expect(extended).toEqual([
      {
        type: 'EscrowDeadlineExtended',
        data: {
          escrowId,
          pactId: pact.pactId,
          sellerAgentId: pact.seller.agentId,
          previousDeadlineUtc: pact.deadlineUtc,
          deadlineUtc: at(deadline + GRACE_MS).toISOString(),
          sellerLastSeenAt: seen.toISOString(),
          extendedAt: at(deadline).toISOString(),
        },
      },
    ])
    const afterGrace = [...created, ...extended]
    spec(escrowDecider)
      .given(afterGrace)
      .when(expire(deadline + 1000, seen))
      .then([])
    const final = decide(expire(deadline + GRACE_MS, at(deadline + GRACE_MS - 1)), fold(afterGrace))
    expect(final.map((e) => e.type)).toEqual(['DeadlineMissed', 'EscrowRefunded'])
    expect(final[0]!.data).toMatchObject({ graceApplied: true })
  })

  it('moves the deadline by the configured grace, once', () => {
    const seen = at(deadline - 60_000)
    const extended = decide(expire(deadline, seen, 8_000), fold(created))
    expect(extended[0]!.data).toMatchObject({ deadlineUtc: at(deadline + 8_000).toISOString() })
    const afterGrace = [...created, ...extended]
    spec(escrowDecider)
      .given(afterGrace)
      .when(expire(deadline + 7_999, seen, 8_000))
      .then([])
    const final = decide(expire(deadline + 8_000, seen, 8_000), fold(afterGrace))
    expect(final.map((e) => e.type)).toEqual(['DeadlineMissed', 'EscrowRefunded'])
    expect(final[0]!.data).toMatchObject({ graceApplied: true })
  })

  it('gives no grace for a sighting before the escrow or after the deadline', () => {
    for (const seen of [at(createdAt.getTime() - 1), at(deadline + 1)]) {
      expect(decide(expire(deadline, seen), fold(created))[0]!.type).toBe('DeadlineMissed')
    }
  })

  it('decides nothing early, twice, or once the escrow moved on', () => {
    spec(escrowDecider)
      .given(created)
      .when(expire(deadline - 1))
      .then([])
    spec(escrowDecider)
      .given([...created, ...missed])
      .when(expire(deadline + 5))
      .then([])
    spec(escrowDecider)
      .given([...created, ...passed])
      .when(expire(deadline))
      .then([])
    spec(escrowDecider)
      .given([...created, ...partial])
      .when(expire(deadline))
      .then([])
  })

  it('after a failed completion, refunds only once its dispute window closed', () => {
    spec(escrowDecider)
      .given([...created, ...failed])
      .when(expire(deadline))
      .then([])
    const closed = decide(
      expire(submittedAt.getTime() + DISPUTE_WINDOW_MS),
      fold([...created, ...failed]),
    )
    expect(closed.map((e) => e.type)).toEqual(['EscrowRefunded'])
  })
})

describe('disputes', () => {
  const dispute = (disputedBy: string, callerOrgId: string, now = submittedAt): EscrowCommand => ({
    type: 'OpenDispute',
    callerOrgId,
    now,
    disputeId,
    input: { disputedBy, reason: 'rows are wrong', evidence: [{ note: 'see row 3' }] },
  })

  it('either party, within 72 h of the completion, freezes the escrow', () => {
    for (const party of [pact.buyer, pact.seller]) {
      const events = decide(dispute(party.agentId, party.orgId), fold([...created, ...failed]))
      expect(events.map((e) => e.type)).toEqual(['DisputeOpened'])
      expect(events[0]!.data).toMatchObject({
        disputedBy: party.agentId,
        evidence: [{ note: 'see row 3' }],
      })
    }
  })

  it('takes the party by its DID too, and records its agent id', () => {
    const events = decide(
      dispute(pact.seller.did!, pact.seller.orgId),
      fold([...created, ...failed]),
    )
    expect(events[0]!.data).toMatchObject({ disputedBy: pact.seller.agentId })
  })

  it('refuses a second dispute, one after the window, before a completion, by a stranger', () => {
    const open = [...created, ...failed]
    const late = at(submittedAt.getTime() + DISPUTE_WINDOW_MS + 1)
    refuses(
      [...open, ...decide(dispute(pact.buyer.agentId, pact.buyer.orgId), fold(open))],
      dispute(pact.seller.agentId, pact.seller.orgId),
      'DISPUTE_ALREADY_OPEN',
    )
    refuses(open, dispute(pact.buyer.agentId, pact.buyer.orgId, late), 'DISPUTE_WINDOW_CLOSED')
    refuses(created, dispute(pact.buyer.agentId, pact.buyer.orgId), 'NO_COMPLETION_YET')
    refuses(open, dispute('agt_01jc00000000000000000000xx', pact.buyer.orgId), 'NOT_A_PARTY')
    refuses(open, dispute(pact.seller.agentId, pact.buyer.orgId), 'NOT_YOUR_AGENT')
    refuses(
      [...created, ...passed],
      dispute(pact.buyer.agentId, pact.buyer.orgId),
      'ESCROW_NOT_LOCKED',
    )
    refuses(
      [...created, ...missed()],
      dispute(pact.buyer.agentId, pact.buyer.orgId),
      'ESCROW_NOT_LOCKED',
    )
  })

  function missed() {
    return decide(expire(deadline), fold(created))
  }
})

describe('settlement', () => {
  const disputed = [...created, ...partial]
  const sign = (pct: number, key: Uint8Array) =>
    signHash(settlementHash(escrowId, pact.pactId, pct), key)
  const mutual = (pct: number, buyerKey = buyerKeys.secretKey): EscrowCommand => ({
    type: 'SettleMutually',
    callerOrgId: pact.buyer.orgId,
    now: submittedAt,
    input: {
      releasePercentage: pct,
      buyerSignature: sign(pct, buyerKey),
      sellerSignature: sign(pct, sellerKeys.secretKey),
    },
  })

  it('a verdict splits after the 1% arbitration fee, once', () => {
    const events = decide(
      { type: 'SettleByVerdict', now: submittedAt, verdict: verdict(70) },
      fold(disputed),
    )
    expect(events[0]!.data).toMatchObject({
      basis: 'verdict',
      disputeId,
      fee: '100000',
      sellerAmount: '6930000',
      buyerAmount: '2970000',
    })
    const again = { type: 'SettleByVerdict', now: submittedAt, verdict: verdict(10) } as const
    spec(escrowDecider)
      .given([...disputed, ...events])
      .when(again)
      .then([])
    spec(escrowDecider).given(created).when(again).then([])
    spec(escrowDecider)
      .given(disputed)
      .when({ ...again, verdict: verdict(10, 'dsp_01jc0000000000000000000009') })
      .then([])
  })

  it('both parties’ signatures on the same split settle it without the jury', () => {
    const events = decide(mutual(40), fold(disputed))
    expect(events[0]!.data).toMatchObject({
      basis: 'mutual',
      sellerAmount: '3980000',
      buyerAmount: '6000000',
      fee: '20000',
    })
    refuses(disputed, mutual(40, sellerKeys.secretKey), 'INVALID_SETTLEMENT_SIGNATURE')
    const tampered = mutual(40)
    refuses(
      disputed,
      {
        ...tampered,
        input: {
          ...(tampered as Extract<EscrowCommand, { type: 'SettleMutually' }>).input,
          releasePercentage: 90,
        },
      } as EscrowCommand,
      'INVALID_SETTLEMENT_SIGNATURE',
    )
    refuses([...disputed, ...events], mutual(40), 'ESCROW_NOT_LOCKED')
    refuses(disputed, { ...mutual(40), callerOrgId: 'org_other' } as EscrowCommand, 'NOT_FOUND')
  })
})

describe('appeals', () => {
  const disputed = [...created, ...partial]
  const windowEnd = submittedAt.getTime() + 24 * 3600_000
  const round1 = (
    pct: number,
    appealableUntil: string | null = new Date(windowEnd).toISOString(),
  ) =>
    ({
      type: 'SettleByVerdict',
      now: submittedAt,
      verdict: { ...verdict(pct), appealableUntil },
    }) as const
  const round2 = (pct: number): EscrowCommand => ({
    type: 'SettleByVerdict',
    now: submittedAt,
    verdict: { ...verdict(pct), round: 2, appealableUntil: null },
  })
  const due = (now = windowEnd): EscrowCommand => ({ type: 'SettleDueVerdict', now: at(now) })
  const appeal = (payerAvailable: bigint, fee = '250000'): EscrowCommand => ({
    type: 'ChargeAppeal',
    now: submittedAt,
    payerAvailable,
    appeal: {
      disputeId,
      escrowId,
      pactId: pact.pactId,
      party: 'seller',
      byOrgId: pact.seller.orgId,
      feePayerAgentId: pact.seller.agentId,
      fee,
      reason: 'the panel misread the metrics',
      filedAt: submittedAt.toISOString(),
    },
  })
  const held = decide(round1(70), fold(disputed))
  const settlements = (events: EscrowEvent[]) => events.filter((e) => e.type === 'EscrowSettled')

  it('an appealable round-1 verdict is held until its window closes, then settles once', () => {
    expect(held).toEqual([
      {
        type: 'VerdictRecorded',
        data: {
          escrowId,
          pactId: pact.pactId,
          disputeId,
          round: 1,
          releasePercentage: 70,
          settleAt: new Date(windowEnd).toISOString(),
          recordedAt: submittedAt.toISOString(),
        },
      },
    ])
    spec(escrowDecider)
      .given([...disputed, ...held])
      .when(due(windowEnd - 1))
      .then([])
    const paid = decide(due(), fold([...disputed, ...held]))
    expect(paid).toHaveLength(1)
    expect(paid[0]!.data).toMatchObject({
      basis: 'verdict',
      round: 1,
      releasePercentage: 70,
      sellerAmount: '6930000',
      buyerAmount: '2970000',
      fee: '100000',
    })
    spec(escrowDecider)
      .given([...disputed, ...held, ...paid])
      .when(due())
      .then([])
    // a redelivered round-1 verdict records nothing twice
    spec(escrowDecider)
      .given([...disputed, ...held])
      .when(round1(70))
      .then([])
  })

  it('a held verdict settles a grace after the window, to let an in-window appeal arrive', () => {
    const [recorded] = decide({ ...round1(70), settleGraceMs: 300_000 }, fold(disputed))
    expect(recorded!.data).toMatchObject({ settleAt: new Date(windowEnd + 300_000).toISOString() })
    spec(escrowDecider)
      .given([...disputed, recorded!])
      .when(due(windowEnd))
      .then([])
  })

  it('a round-1 verdict with no window (null, or passed) settles at once', () => {
    for (const until of [null, new Date(submittedAt.getTime() - 1).toISOString()]) {
      const events = decide(round1(40, until), fold(disputed))
      expect(events.map((e) => e.type)).toEqual(['EscrowSettled'])
      expect(events[0]!.data).toMatchObject({ round: 1, releasePercentage: 40 })
    }
  })

  it('an appeal stops the held settlement and charges the fee; round 2 replaces round 1', () => {
    const charged = decide(appeal(1_000_000n), fold([...disputed, ...held]))
    expect(charged.map((e) => e.data)).toEqual([
      expect.objectContaining({
        payerAgentId: pact.seller.agentId,
        fee: '250000',
        charged: '250000',
        owed: '0',
      }),
    ])
    const appealed = [...disputed, ...held, ...charged]
    spec(escrowDecider).given(appealed).when(due()).then([])
    spec(escrowDecider).given(appealed).when(appeal(1_000_000n)).then([])
    const final = decide(round2(37.5), fold(appealed))
    expect(final[0]!.data).toMatchObject({
      round: 2,
      releasePercentage: 37.5,
      fee: '100000',
      sellerAmount: '3712500',
      buyerAmount: '6187500',
    })
    spec(escrowDecider)
      .given([...appealed, ...final])
      .when(due())
      .then([])
  })

  it('a wallet short of the fee pays what it holds, the rest owed; the appeal is heard', () => {
    const [short] = decide(appeal(100_000n), fold([...disputed, ...held]))
    expect(short!.data).toMatchObject({ charged: '100000', owed: '150000' })
    const [none] = decide(appeal(-5n), fold([...disputed, ...held]))
    expect(none!.data).toMatchObject({ charged: '0', owed: '250000' })
  })

  it('an appeal reaching an escrow a round-1 verdict settled, or another dispute, is not charged', () => {
    const settled1 = decide(round1(40, null), fold(disputed))
    spec(escrowDecider)
      .given([...disputed, ...settled1])
      .when(appeal(1_000_000n))
      .then([])
    const other = appeal(1_000_000n) as Extract<EscrowCommand, { type: 'ChargeAppeal' }>
    spec(escrowDecider)
      .given([...disputed, ...held])
      .when({ ...other, appeal: { ...other.appeal, disputeId: 'dsp_01jc0000000000000000000009' } })
      .then([])
  })

  it('in every order of round 1, appeal, round 2 and the timer, it settles exactly once', () => {
    type Step = 'r1' | 'appeal' | 'r2' | 'timer'
    const command: Record<Step, EscrowCommand> = {
      r1: round1(70),
      appeal: appeal(1_000_000n),
      r2: round2(22.5),
      timer: due(),
    }
    fc.assert(
      fc.property(
        fc.boolean().chain((appealed) => {
          const steps: Step[] = appealed ? ['r1', 'appeal', 'r2', 'timer'] : ['r1', 'timer']
          return fc
            .shuffledSubarray(steps, { minLength: steps.length, maxLength: steps.length })
            .map((order) => ({ appealed, order }))
        }),
        ({ appealed, order }) => {
          // the timer is a job scheduled by VerdictRecorded: it runs after round 1, and after an
          // appeal filed inside the window (the grace covers its delivery); see the late-appeal spec
          fc.pre(order.indexOf('timer') > order.indexOf('r1'))
          if (appealed) fc.pre(order.indexOf('timer') > order.indexOf('appeal'))
          let history = [...disputed]
          for (const step of order) history = [...history, ...decide(command[step], fold(history))]
          const paid = settlements(history)
          expect(paid).toHaveLength(1)
          expect(paid[0]!.data).toMatchObject(
            appealed ? { round: 2, releasePercentage: 22.5 } : { round: 1, releasePercentage: 70 },
          )
          expect(history.filter((e) => e.type === 'AppealFeeCharged')).toHaveLength(
            appealed ? 1 : 0,
          )
        },
      ),
      { numRuns: 300 },
    )
  })
})
