import {
  ActionCheckedBatch,
  AgentRegistered,
  AgentRevoked,
  ApprovalApproved,
  ApprovalDenied,
  ApprovalRequested,
  BondPosted,
  BondSlashed,
  CompletionSubmitted,
  DeadlineMissed,
  DisputeOpened,
  EscrowCreated,
  EscrowRefunded,
  EscrowReleased,
  EscrowSettled,
  ExecutionFailureReported,
  ParamBindingViolated,
  PactAccepted,
  PactRegistered,
  VerdictReached,
} from '@tessera/contracts'
import type { TelemetryDay } from './telemetry.ts'

/**
 * Evidence: the few fields of an event the trust model reads, under one `key` (the escrow, the
 * pact or the agent it is about). Scoring stores the SET of evidence, keyed by id; a profile is a
 * pure function of the set, so delivery order and batching cannot change it.
 */
interface Base {
  /** The event id (a check's id for guard decisions, which travel many to a message). */
  id: string
  at: string
  key: string
}

export type Evidence = Base &
  (
    | { kind: 'agent'; agentId: string; orgId: string; did: string | null; handle: string }
    | { kind: 'revoked'; agentId: string }
    | {
        kind: 'check'
        agentId: string
        decision: 'allow' | 'deny' | 'elevation_required'
        rule: string
      }
    | { kind: 'approval'; approvalId: string; agentId: string; rule: string }
    | { kind: 'approval_decided'; approvalId: string; approved: boolean }
    /** One agent's ingest telemetry of one UTC day; `at` is its latest record. */
    | ({ kind: 'telemetry' } & Omit<TelemetryDay, 'lastAt'>)
    | { kind: 'pact'; pactId: string; capability: string; buyer: string; seller: string }
    | { kind: 'binding'; agentId: string; pactId: string; rule: string }
    | { kind: 'failure'; agentId: string; pactId: string }
    | {
        kind: 'escrow'
        escrowId: string
        pactId: string
        buyer: string
        buyerOrg: string
        seller: string
        sellerOrg: string
        amount: string
        deadline: string
      }
    | {
        kind: 'completion'
        escrowId: string
        verification: 'pass' | 'partial' | 'fail'
        /** The seller's own claim (completionTimeUtc), kept as evidence, never scored (`at` is). */
        completedAt: string
      }
    | { kind: 'released'; escrowId: string }
    | { kind: 'missed'; escrowId: string; graceApplied: boolean }
    | { kind: 'refunded'; escrowId: string }
    | { kind: 'dispute'; escrowId: string; disputedBy: string }
    | { kind: 'verdict'; escrowId: string; round: number; release: number }
    | { kind: 'settled'; escrowId: string; release: number }
    | { kind: 'bond'; agentId: string; totalBond: string; tier: number; slashRule: string | null }
  )

/** Which agents an evidence key concerns, learned from evidence that names the parties. */
export interface Link {
  key: string
  agentId: string
}

/** The event types scoring reads, per context. */
export const SCORED_EVENTS = {
  guardian: [
    'AgentRegistered',
    'AgentRevoked',
    'ActionChecked',
    'ApprovalRequested',
    'ApprovalApproved',
    'ApprovalDenied',
  ],
  pacts: ['PactAccepted', 'PactRegistered', 'ParamBindingViolated', 'ExecutionFailureReported'],
  escrow: [
    'EscrowCreated',
    'CompletionSubmitted',
    'EscrowReleased',
    'DeadlineMissed',
    'EscrowRefunded',
    'DisputeOpened',
    'EscrowSettled',
    'BondPosted',
    'BondSlashed',
  ],
  jury: ['VerdictReached'],
} as const

/** Turns one bus event into its evidence (none for types the model does not read). */
export function toEvidence(e: { type: string; data: unknown; eventId: string }): Evidence[] {
  // Times are compared as text: every one is normalised to UTC `…Z` first.
  return rawEvidence(e).map((ev) => {
    const out = { ...ev, at: utc(ev.at) }
    if (out.kind === 'completion') out.completedAt = utc(out.completedAt)
    if (out.kind === 'escrow') out.deadline = utc(out.deadline)
    return out
  })
}

/** ISO 8601 in UTC with milliseconds, as `toISOString` writes it: already normalised. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

export function utc(at: string): string {
  // Most times arrive normalised: skip the Date round trip (a hot spot of a rebuild).
  return ISO_UTC.test(at) ? at : new Date(at).toISOString()
}

function rawEvidence(e: { type: string; data: unknown; eventId: string }): Evidence[] {
  const id = e.eventId
  switch (e.type) {
    case 'AgentRegistered': {
      const d = AgentRegistered.parse(e.data)
      return [
        {
          kind: 'agent',
          id,
          at: d.registeredAt,
          key: d.agentId,
          agentId: d.agentId,
          orgId: d.orgId,
          did: d.did ?? null,
          handle: d.handle,
        },
      ]
    }
    case 'AgentRevoked': {
      const d = AgentRevoked.parse(e.data)
      return [{ kind: 'revoked', id, at: d.revokedAt, key: d.agentId, agentId: d.agentId }]
    }
    case 'ActionChecked': {
      // Allowed calls carry no score: only denials and elevations are kept.
      return ActionCheckedBatch.parse(e.data)
        .checks.filter((c) => c.decision !== 'allow')
        .map((c) => ({
          kind: 'check' as const,
          id: c.checkId,
          at: c.checkedAt,
          key: c.agentId,
          agentId: c.agentId,
          decision: c.decision,
          rule: c.rule,
        }))
    }
    case 'ApprovalRequested': {
      const d = ApprovalRequested.parse(e.data)
      return [
        {
          kind: 'approval',
          id,
          at: d.requestedAt,
          key: d.approvalId,
          approvalId: d.approvalId,
          agentId: d.agentId,
          rule: d.rule,
        },
      ]
    }
    case 'ApprovalApproved':
    case 'ApprovalDenied': {
      const approved = e.type === 'ApprovalApproved'
      const d = approved ? ApprovalApproved.parse(e.data) : ApprovalDenied.parse(e.data)
      const key = d.approvalId
      return [{ kind: 'approval_decided', id, at: d.decidedAt, key, approvalId: key, approved }]
    }
    case 'PactAccepted':
    case 'PactRegistered': {
      const d =
        e.type === 'PactAccepted' ? PactAccepted.parse(e.data) : PactRegistered.parse(e.data)
      const at = 'acceptedAt' in d ? d.acceptedAt : d.registeredAt
      return [
        {
          kind: 'pact',
          id,
          at,
          key: d.pactId,
          pactId: d.pactId,
          capability: d.terms.capability,
          buyer: d.buyer.agentId,
          seller: d.seller.agentId,
        },
      ]
    }
    case 'ParamBindingViolated': {
      const d = ParamBindingViolated.parse(e.data)
      return [
        {
          kind: 'binding',
          id,
          at: d.detectedAt,
          key: d.agentId,
          agentId: d.agentId,
          pactId: d.pactId,
          rule: d.rule,
        },
      ]
    }
    case 'ExecutionFailureReported': {
      const d = ExecutionFailureReported.parse(e.data)
      return [{ kind: 'failure', id, at: d.reportedAt, key: d.by, agentId: d.by, pactId: d.pactId }]
    }
    case 'EscrowCreated': {
      const d = EscrowCreated.parse(e.data)
      return [
        {
          kind: 'escrow',
          id,
          at: d.createdAt,
          key: d.escrowId,
          escrowId: d.escrowId,
          pactId: d.pactId,
          buyer: d.buyer.agentId,
          buyerOrg: d.buyer.orgId,
          seller: d.seller.agentId,
          sellerOrg: d.seller.orgId,
          amount: d.amount,
          deadline: d.deadlineUtc,
        },
      ]
    }
    case 'CompletionSubmitted': {
      const d = CompletionSubmitted.parse(e.data)
      return [
        {
          kind: 'completion',
          id,
          at: d.submittedAt,
          key: d.escrowId,
          escrowId: d.escrowId,
          verification: d.verification,
          completedAt: d.completionTimeUtc,
        },
      ]
    }
    case 'EscrowReleased': {
      const d = EscrowReleased.parse(e.data)
      return [{ kind: 'released', id, at: d.releasedAt, key: d.escrowId, escrowId: d.escrowId }]
    }
    case 'DeadlineMissed': {
      const d = DeadlineMissed.parse(e.data)
      return [
        {
          kind: 'missed',
          id,
          at: d.missedAt,
          key: d.escrowId,
          escrowId: d.escrowId,
          graceApplied: d.graceApplied,
        },
      ]
    }
    case 'EscrowRefunded': {
      const d = EscrowRefunded.parse(e.data)
      return [{ kind: 'refunded', id, at: d.refundedAt, key: d.escrowId, escrowId: d.escrowId }]
    }
    case 'DisputeOpened': {
      const d = DisputeOpened.parse(e.data)
      return [
        {
          kind: 'dispute',
          id,
          at: d.openedAt,
          key: d.escrowId,
          escrowId: d.escrowId,
          disputedBy: d.disputedBy,
        },
      ]
    }
    case 'VerdictReached': {
      const d = VerdictReached.parse(e.data)
      return [
        {
          kind: 'verdict',
          id,
          at: d.reachedAt,
          key: d.escrowId,
          escrowId: d.escrowId,
          round: d.round,
          release: d.releasePercentage,
        },
      ]
    }
    case 'EscrowSettled': {
      const d = EscrowSettled.parse(e.data)
      return [
        {
          kind: 'settled',
          id,
          at: d.settledAt,
          key: d.escrowId,
          escrowId: d.escrowId,
          release: d.releasePercentage,
        },
      ]
    }
    case 'BondPosted':
    case 'BondSlashed': {
      const slashed = e.type === 'BondSlashed'
      const d = slashed ? BondSlashed.parse(e.data) : BondPosted.parse(e.data)
      return [
        {
          kind: 'bond',
          id,
          at: 'slashedAt' in d ? d.slashedAt : d.postedAt,
          key: d.agentId,
          agentId: d.agentId,
          totalBond: d.totalBond,
          tier: d.tier,
          slashRule: 'rule' in d ? d.rule : null,
        },
      ]
    }
    default:
      return []
  }
}

/** The agents an evidence makes its key concern (the parties of an escrow or a pact). */
export function linksOf(ev: Evidence): Link[] {
  switch (ev.kind) {
    case 'escrow':
    case 'pact':
      return [
        { key: ev.key, agentId: ev.buyer },
        { key: ev.key, agentId: ev.seller },
      ]
    case 'agent':
    case 'revoked':
    case 'check':
    case 'approval':
    case 'telemetry':
    case 'binding':
    case 'failure':
    case 'bond':
      return [{ key: ev.key, agentId: ev.agentId }]
    default:
      return []
  }
}

/** The one order every computation folds in: time, then id. */
export function byTimeThenId(a: Evidence, b: Evidence): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}
