import type {
  AppealFiled,
  ConditionResult,
  Decider,
  PactCondition,
  PactParty,
  VerdictReached,
} from '@tessera/contracts'
import { compileCondition, evaluate } from '@tessera/conditions'
import { deliverableHash, publicKeyOfDidKey, settlementHash, verifyHash } from '@tessera/crypto'
import { completionDocument } from '@tessera/settlement'
import { refuse } from './escrow.errors.ts'
import { mutualSplit, releaseSplit, verdictSplit } from './escrow.fees.ts'
import {
  type EscrowEvent,
  type EscrowState,
  evolve,
  initialState,
  parseEscrowEvent,
} from './escrow.state.ts'

export const escrowStreamId = (escrowId: string) => `escrow-${escrowId}`

/**
 * A seller seen alive within the window gets the deadline moved once, by this much by default
 * (`ESCROW_DEADLINE_GRACE_SECONDS`; `ExpireEscrow.graceMs`).
 */
export const GRACE_MS = 48 * 3600_000
/** Either party may dispute until this long after the completion was submitted. */
export const DISPUTE_WINDOW_MS = 72 * 3600_000

/** What escrow knows of an active pact, from PACTS (`escrow_pacts`). */
export interface PactFacts {
  pactId: string
  pactHash: string
  amount: string
  deadlineUtc: string
  arbiter: string
  buyer: PactParty
  seller: PactParty
  conditions: PactCondition[]
}

export type EscrowCommand =
  | {
      type: 'CreateEscrow'
      escrowId: string
      callerOrgId: string
      now: Date
      transferId: string
      /** Null when the pact has not reached escrow (yet). */
      pact: PactFacts | null
      input: {
        pactId: string
        amount: string
        conditionHash: string
        buyerAgentId?: string | undefined
        sellerAgentId?: string | undefined
        arbiter?: string | undefined
        deadlineUtc?: string | undefined
      }
    }
  | {
      type: 'SubmitCompletion'
      callerOrgId: string
      now: Date
      disputeId: string
      pact: PactFacts
      /** Guardian revoked the seller: its key signs nothing any more. */
      sellerRevoked: boolean
      input: {
        pactId: string
        deliverableHash: string
        deliverable: unknown
        completionTimeUtc: string
        executionMetrics?: Record<string, unknown> | undefined
        sellerSignature: string
      }
    }
  | {
      type: 'ExpireEscrow'
      now: Date
      /** The seller's latest telemetry record, if any (`agent_last_seen`). */
      sellerLastSeenAt: Date | null
      /** How far a grace moves the deadline: {@link GRACE_MS} unless configured. */
      graceMs: number
    }
  | {
      type: 'OpenDispute'
      callerOrgId: string
      now: Date
      disputeId: string
      input: { disputedBy: string; reason: string; evidence: unknown[] }
    }
  | {
      type: 'SettleMutually'
      callerOrgId: string
      now: Date
      input: { releasePercentage: number; buyerSignature: string; sellerSignature: string }
    }
  | {
      type: 'SettleByVerdict'
      now: Date
      verdict: VerdictReached
      /**
       * How long after `appealableUntil` a held verdict settles: room for an `AppealFiled` made
       * just inside the window to reach escrow first (ESCROW_APPEAL_SETTLE_GRACE_SECONDS).
       */
      settleGraceMs?: number | undefined
    }
  | {
      type: 'ChargeAppeal'
      now: Date
      appeal: AppealFiled
      /** The appellant's available funds, read in the command's transaction. */
      payerAvailable: bigint
    }
  /** The durable job at a held round-1 verdict's `settleAt`. */
  | { type: 'SettleDueVerdict'; now: Date }

export function decide(command: EscrowCommand, state: EscrowState): EscrowEvent[] {
  switch (command.type) {
    case 'CreateEscrow':
      return create(command, state)
    case 'SubmitCompletion':
      return submitCompletion(command, state)
    case 'ExpireEscrow':
      return expire(command, state)
    case 'OpenDispute':
      return openDispute(command, state)
    case 'SettleMutually':
      return settleMutually(command, state)
    case 'SettleByVerdict':
      return settleByVerdict(command, state)
    case 'ChargeAppeal':
      return chargeAppeal(command, state)
    case 'SettleDueVerdict':
      return settleDueVerdict(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

type Cmd<T extends EscrowCommand['type']> = Extract<EscrowCommand, { type: T }>

function create(c: Cmd<'CreateEscrow'>, state: EscrowState): EscrowEvent[] {
  if (state.status !== 'none') throw refuse(409, 'ESCROW_EXISTS', 'this escrow already exists')
  const { pact, input } = c
  if (!pact) {
    throw refuse(
      409,
      'PACT_NOT_FOUND_YET',
      `pact ${input.pactId} is not known to escrow yet; retry`,
    )
  }
  if (pact.buyer.orgId !== c.callerOrgId) {
    if (pact.seller.orgId === c.callerOrgId) {
      throw refuse(403, 'NOT_THE_BUYER', "only the buyer's org locks the payment")
    }
    throw refuse(404, 'NOT_FOUND', `pact ${input.pactId} not found`)
  }
  if (input.conditionHash !== pact.pactHash) {
    throw refuse(409, 'CONDITION_HASH_MISMATCH', "conditionHash is not the pact's hash")
  }
  if (input.amount !== pact.amount) {
    throw refuse(422, 'AMOUNT_MISMATCH', `the pact's payment is ${pact.amount} µUSDC`)
  }
  if (input.buyerAgentId !== undefined && !names(pact.buyer, input.buyerAgentId)) {
    throw refuse(422, 'PARTY_MISMATCH', "buyerAgentId is not the pact's buyer")
  }
  if (input.sellerAgentId !== undefined && !names(pact.seller, input.sellerAgentId)) {
    throw refuse(422, 'PARTY_MISMATCH', "sellerAgentId is not the pact's seller")
  }
  if (input.arbiter !== undefined && input.arbiter !== pact.arbiter) {
    throw refuse(422, 'ARBITER_MISMATCH', "arbiter is not the pact's escrowArbiter")
  }
  if (
    input.deadlineUtc !== undefined &&
    Date.parse(input.deadlineUtc) !== Date.parse(pact.deadlineUtc)
  ) {
    throw refuse(422, 'DEADLINE_MISMATCH', "deadlineUtc is not the pact's deadline")
  }
  if (Date.parse(pact.deadlineUtc) <= c.now.getTime()) {
    throw refuse(422, 'DEADLINE_PASSED', "the pact's deadline has passed")
  }
  return [
    {
      type: 'EscrowCreated',
      data: {
        escrowId: c.escrowId,
        pactId: pact.pactId,
        conditionHash: pact.pactHash,
        amount: pact.amount,
        buyer: pact.buyer,
        seller: pact.seller,
        arbiter: pact.arbiter,
        deadlineUtc: pact.deadlineUtc,
        transferId: c.transferId,
        network: 'internal',
        createdAt: c.now.toISOString(),
      },
    },
  ]
}

function lockedEscrow(state: EscrowState) {
  const created = state.created
  if (!created) throw refuse(404, 'NOT_FOUND', 'escrow not found')
  if (state.status === 'disputed')
    throw refuse(409, 'ESCROW_DISPUTED', 'the escrow is frozen by a dispute')
  if (state.status !== 'locked') {
    throw refuse(409, 'ESCROW_NOT_LOCKED', `the escrow is already ${state.status}`)
  }
  return created
}

/** Each deliverable condition's result; none at all counts as a pass. */
export function verifyDeliverable(conditions: PactCondition[], doc: unknown) {
  const results: ConditionResult[] = conditions
    .filter((c) => c.kind === 'deliverable')
    .map((c) => ({ name: c.name, passed: evaluate(compileCondition(c.when), doc) }))
  const passed = results.filter((r) => r.passed).length
  const verification: 'pass' | 'partial' | 'fail' =
    passed === results.length ? 'pass' : passed === 0 ? 'fail' : 'partial'
  return { verification, results }
}

function submitCompletion(c: Cmd<'SubmitCompletion'>, state: EscrowState): EscrowEvent[] {
  const created = lockedEscrow(state)
  const { input, pact } = c
  if (created.seller.orgId !== c.callerOrgId) {
    throw refuse(403, 'NOT_THE_SELLER', "only the seller's org submits the completion")
  }
  if (input.pactId !== created.pactId)
    throw refuse(422, 'PACT_MISMATCH', 'pactId is not this escrow’s pact')
  if (state.completion)
    throw refuse(409, 'COMPLETION_ALREADY_SUBMITTED', 'a completion was submitted')
  if (c.now.getTime() > Date.parse(state.deadlineUtc!)) {
    throw refuse(409, 'DEADLINE_PASSED', 'the deadline has passed')
  }
  if (deliverableHash(input.deliverable) !== input.deliverableHash) {
    throw refuse(
      422,
      'DELIVERABLE_HASH_MISMATCH',
      'deliverableHash is not the SHA-256 of the JCS deliverable',
    )
  }
  if (c.sellerRevoked) throw refuse(403, 'SELLER_REVOKED', 'the seller agent was revoked')
  const key = created.seller.did ? publicKeyOfDidKey(created.seller.did) : undefined
  if (!key) throw refuse(422, 'SELLER_KEY_UNKNOWN', 'the seller has no registered key')
  if (!verifyHash(input.deliverableHash, input.sellerSignature, key)) {
    throw refuse(
      422,
      'INVALID_SELLER_SIGNATURE',
      "sellerSignature is not the seller's over deliverableHash",
    )
  }
  const { verification, results } = verifyDeliverable(pact.conditions, completionDocument(input))
  const at = c.now.toISOString()
  const events: EscrowEvent[] = [
    {
      type: 'CompletionSubmitted',
      data: {
        escrowId: created.escrowId,
        pactId: created.pactId,
        deliverableHash: input.deliverableHash,
        deliverable: input.deliverable as never,
        completionTimeUtc: input.completionTimeUtc,
        ...(input.executionMetrics ? { executionMetrics: input.executionMetrics as never } : {}),
        sellerSignature: input.sellerSignature,
        verification,
        results,
        submittedAt: at,
      },
    },
  ]
  if (verification === 'pass') {
    const split = releaseSplit(BigInt(created.amount))
    events.push({
      type: 'EscrowReleased',
      data: {
        escrowId: created.escrowId,
        pactId: created.pactId,
        amount: created.amount,
        sellerAmount: String(split.sellerAmount),
        fee: String(split.fee),
        releasedAt: at,
      },
    })
  } else if (verification === 'partial') {
    events.push(
      disputeOpened(
        created,
        c.disputeId,
        'system',
        'automated verification: partial delivery',
        [results],
        at,
      ),
    )
  }
  return events
}

function disputeOpened(
  created: NonNullable<EscrowState['created']>,
  disputeId: string,
  disputedBy: string,
  reason: string,
  evidence: unknown[],
  at: string,
): EscrowEvent {
  return {
    type: 'DisputeOpened',
    data: {
      disputeId,
      escrowId: created.escrowId,
      pactId: created.pactId,
      disputedBy,
      reason,
      evidence: evidence as never,
      buyer: created.buyer,
      seller: created.seller,
      amount: created.amount,
      openedAt: at,
    },
  }
}

/**
 * The deadline job. Nothing once the escrow moved on or before the deadline in force (a stale
 * or early job). Without a completion: the seller seen alive within [createdAt, deadline] and
 * no grace yet → the deadline moves once by `graceMs` (48 h); otherwise DeadlineMissed and a refund. With a
 * failed completion: a refund once its 72 h dispute window closed with no dispute.
 */
function expire(c: Cmd<'ExpireEscrow'>, state: EscrowState): EscrowEvent[] {
  const created = state.created
  if (!created || state.status !== 'locked') return []
  const deadline = Date.parse(state.deadlineUtc!)
  const now = c.now.getTime()
  if (now < deadline) return []
  const at = c.now.toISOString()
  const refunded: EscrowEvent = {
    type: 'EscrowRefunded',
    data: {
      escrowId: created.escrowId,
      pactId: created.pactId,
      amount: created.amount,
      reason: 'deadline_missed',
      refundedAt: at,
    },
  }
  if (state.completion) {
    return now >= Date.parse(state.completion.submittedAt) + DISPUTE_WINDOW_MS ? [refunded] : []
  }
  const seen = c.sellerLastSeenAt?.getTime()
  if (
    !state.graceApplied &&
    seen !== undefined &&
    seen >= Date.parse(created.createdAt) &&
    seen <= deadline
  ) {
    return [
      {
        type: 'EscrowDeadlineExtended',
        data: {
          escrowId: created.escrowId,
          pactId: created.pactId,
          sellerAgentId: created.seller.agentId,
          previousDeadlineUtc: state.deadlineUtc!,
          deadlineUtc: new Date(deadline + c.graceMs).toISOString(),
          sellerLastSeenAt: c.sellerLastSeenAt!.toISOString(),
          extendedAt: at,
        },
      },
    ]
  }
  return [
    {
      type: 'DeadlineMissed',
      data: {
        escrowId: created.escrowId,
        pactId: created.pactId,
        sellerAgentId: created.seller.agentId,
        deadlineUtc: state.deadlineUtc!,
        graceApplied: state.graceApplied,
        missedAt: at,
      },
    },
    refunded,
  ]
}

function openDispute(c: Cmd<'OpenDispute'>, state: EscrowState): EscrowEvent[] {
  if (state.status === 'disputed')
    throw refuse(409, 'DISPUTE_ALREADY_OPEN', 'a dispute is already open')
  const created = lockedEscrow(state)
  const party = [created.buyer, created.seller].find((p) => names(p, c.input.disputedBy))
  if (!party) throw refuse(422, 'NOT_A_PARTY', 'disputedBy is neither the buyer nor the seller')
  if (party.orgId !== c.callerOrgId)
    throw refuse(403, 'NOT_YOUR_AGENT', 'disputedBy is not of your org')
  if (!state.completion) throw refuse(409, 'NO_COMPLETION_YET', 'nothing was delivered to dispute')
  if (c.now.getTime() > Date.parse(state.completion.submittedAt) + DISPUTE_WINDOW_MS) {
    throw refuse(409, 'DISPUTE_WINDOW_CLOSED', 'disputes close 72 h after the completion')
  }
  const { reason, evidence } = c.input
  // recorded as the agent id, whichever way the caller named the party
  return [disputeOpened(created, c.disputeId, party.agentId, reason, evidence, c.now.toISOString())]
}

function settled(
  state: EscrowState,
  basis: 'verdict' | 'mutual',
  releasePercentage: number,
  at: Date,
  round?: number,
): EscrowEvent {
  const created = state.created!
  const split = (basis === 'verdict' ? verdictSplit : mutualSplit)(
    BigInt(created.amount),
    releasePercentage,
  )
  return {
    type: 'EscrowSettled',
    data: {
      escrowId: created.escrowId,
      pactId: created.pactId,
      ...(state.disputeId ? { disputeId: state.disputeId } : {}),
      basis,
      ...(round !== undefined ? { round } : {}),
      releasePercentage,
      sellerAmount: String(split.sellerAmount),
      buyerAmount: String(split.buyerAmount),
      fee: String(split.fee),
      settledAt: at.toISOString(),
    },
  }
}

function settleMutually(c: Cmd<'SettleMutually'>, state: EscrowState): EscrowEvent[] {
  const created = state.created
  if (!created) throw refuse(404, 'NOT_FOUND', 'escrow not found')
  if (state.status !== 'locked' && state.status !== 'disputed') {
    throw refuse(409, 'ESCROW_NOT_LOCKED', `the escrow is already ${state.status}`)
  }
  if (created.buyer.orgId !== c.callerOrgId && created.seller.orgId !== c.callerOrgId) {
    throw refuse(404, 'NOT_FOUND', 'escrow not found')
  }
  const hash = settlementHash(created.escrowId, created.pactId, c.input.releasePercentage)
  for (const [party, signature] of [
    [created.buyer, c.input.buyerSignature],
    [created.seller, c.input.sellerSignature],
  ] as const) {
    const key = party.did ? publicKeyOfDidKey(party.did) : undefined
    if (!key || !verifyHash(hash, signature, key)) {
      throw refuse(422, 'INVALID_SETTLEMENT_SIGNATURE', `${party.agentId} did not sign this split`)
    }
  }
  return [settled(state, 'mutual', c.input.releasePercentage, c.now)]
}

/**
 * A verdict for the open dispute (any other, or one for a settled escrow, decides nothing):
 * - round 2 (the appeal's, which replaces the first) settles at once;
 * - round 1 while an appeal is on record decides nothing (round 2 will);
 * - round 1 still appealable is held: `VerdictRecorded`, settled by the durable job at
 *   `settleAt` = `appealableUntil` + the grace, unless an appeal comes first; a redelivery
 *   records nothing;
 * - round 1 with no window (null), or past `settleAt` already, settles at once.
 */
function settleByVerdict(c: Cmd<'SettleByVerdict'>, state: EscrowState): EscrowEvent[] {
  const { verdict } = c
  if (state.status !== 'disputed' || state.disputeId !== verdict.disputeId) return []
  if (verdict.round === 2) return [settled(state, 'verdict', verdict.releasePercentage, c.now, 2)]
  if (state.appealed || state.pendingVerdict) return []
  const until = verdict.appealableUntil
    ? Date.parse(verdict.appealableUntil) + (c.settleGraceMs ?? 0)
    : null
  if (until === null || until <= c.now.getTime()) {
    return [settled(state, 'verdict', verdict.releasePercentage, c.now, 1)]
  }
  const created = state.created!
  return [
    {
      type: 'VerdictRecorded',
      data: {
        escrowId: created.escrowId,
        pactId: created.pactId,
        disputeId: verdict.disputeId,
        round: 1,
        releasePercentage: verdict.releasePercentage,
        settleAt: new Date(until).toISOString(),
        recordedAt: c.now.toISOString(),
      },
    },
  ]
}

/** The held round-1 verdict's job: settles it once its window closed with no appeal. */
function settleDueVerdict(c: Cmd<'SettleDueVerdict'>, state: EscrowState): EscrowEvent[] {
  const pending = state.pendingVerdict
  if (state.status !== 'disputed' || !pending || state.appealed) return []
  if (c.now.getTime() < Date.parse(pending.settleAt)) return []
  return [settled(state, 'verdict', pending.releasePercentage, c.now, 1)]
}

/**
 * Jury accepted an appeal, so escrow cannot refuse it: the pending settlement is off and the
 * fee moves from the appellant's wallet to the platform fee account — all of it when the
 * wallet covers it, otherwise what it holds, the rest recorded as owed. Once per dispute; an
 * appeal for another dispute, or one reaching an escrow a round-1 verdict already settled (the
 * appeal changed nothing), is not charged. A round-2 verdict that overtook its `AppealFiled`
 * still leaves the appeal charged.
 */
function chargeAppeal(c: Cmd<'ChargeAppeal'>, state: EscrowState): EscrowEvent[] {
  const { appeal } = c
  if (state.disputeId !== appeal.disputeId || state.appealed) return []
  if (state.status !== 'disputed' && !(state.status === 'settled' && state.settledRound === 2)) {
    return []
  }
  const fee = BigInt(appeal.fee)
  const available = c.payerAvailable > 0n ? c.payerAvailable : 0n
  const charged = fee < available ? fee : available
  const created = state.created!
  return [
    {
      type: 'AppealFeeCharged',
      data: {
        escrowId: created.escrowId,
        pactId: created.pactId,
        disputeId: appeal.disputeId,
        payerAgentId: appeal.feePayerAgentId,
        fee: appeal.fee,
        charged: String(charged),
        owed: String(fee - charged),
        chargedAt: c.now.toISOString(),
      },
    },
  ]
}

export const escrowDecider: Decider<EscrowCommand, EscrowEvent, EscrowState> = {
  decide,
  evolve,
  initialState,
  parse: parseEscrowEvent,
}

/** The reference passes a DID where Tessera has an agent id: either names the party. */
function names(party: { agentId: string; did?: string | undefined }, ref: string): boolean {
  return ref === party.agentId || (party.did !== undefined && ref === party.did)
}
