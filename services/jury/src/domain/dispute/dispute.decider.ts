import type {
  Decider,
  DisputeOpened,
  JudgeBallot,
  JudgeProvider,
  PanelSat,
} from '@tessera/contracts'
import { aggregate } from './aggregation.ts'
import { roundRecord, recordHash } from './dispute-record.ts'
import * as E from './dispute.errors.ts'
import {
  type DisputeEvent,
  type DisputeState,
  evolve,
  initialState,
  parseDisputeEvent,
} from './dispute.state.ts'

export type DisputeCommand =
  | { type: 'ReceiveDispute'; opened: DisputeOpened; now: Date; responseWindowSeconds: number }
  | {
      type: 'RespondToDispute'
      callerOrgId: string
      response: string
      evidence: unknown[]
      now: Date
    }
  | {
      type: 'RecordPanel'
      round: number
      attempt: number
      evidence: unknown
      evidenceHash: string
      prompt: { system: string; user: string }
      ballots: JudgeBallot[]
      quorum: number
      now: Date
      retryAfterSeconds: number
      appealWindowSeconds: number
    }
  | { type: 'FileAppeal'; callerOrgId: string; reason: string; fee: string; now: Date }

type Cmd<T extends DisputeCommand['type']> = Extract<DisputeCommand, { type: T }>

export function decide(command: DisputeCommand, state: DisputeState): DisputeEvent[] {
  switch (command.type) {
    case 'ReceiveDispute':
      return receive(command, state)
    case 'RespondToDispute':
      return respond(command, state)
    case 'RecordPanel':
      return recordPanel(command, state)
    case 'FileAppeal':
      return appeal(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

function receive(c: Cmd<'ReceiveDispute'>, state: DisputeState): DisputeEvent[] {
  // a redelivered DisputeOpened: already taken in
  if (state.received) return []
  const o = c.opened
  return [
    {
      type: 'DisputeReceived',
      data: {
        ...o,
        claimant: o.disputedBy === o.seller.agentId ? 'seller' : 'buyer',
        respondBy: new Date(c.now.getTime() + c.responseWindowSeconds * 1000).toISOString(),
      },
    },
  ]
}

/** The caller's side in the dispute, or a 404 when its org is no party's. */
function sideOf(state: DisputeState, orgId: string, prefer?: 'buyer' | 'seller') {
  const d = state.received
  if (!d) throw new E.DisputeNotFound('dispute not found')
  const sides = (['buyer', 'seller'] as const).filter((s) => d[s].orgId === orgId)
  if (sides.length === 0) throw new E.DisputeNotFound('dispute not found')
  return { d, side: prefer && sides.includes(prefer) ? prefer : sides[0]! }
}

function respond(c: Cmd<'RespondToDispute'>, state: DisputeState): DisputeEvent[] {
  const respondent = state.received?.claimant === 'seller' ? 'buyer' : 'seller'
  const { d, side } = sideOf(state, c.callerOrgId, respondent)
  if (side !== respondent) throw new E.NotRespondent(`only the ${respondent} may respond`)
  if (state.response) throw new E.AlreadyResponded('the dispute was already answered')
  if (state.status !== 'awaiting_response' || c.now >= new Date(d.respondBy)) {
    throw new E.ResponseWindowClosed(`the response window closed at ${d.respondBy}`)
  }
  return [
    {
      type: 'DisputeResponded',
      data: {
        disputeId: d.disputeId,
        pactId: d.pactId,
        party: respondent,
        byOrgId: c.callerOrgId,
        response: c.response,
        evidence: c.evidence as never[],
        respondedAt: c.now.toISOString(),
      },
    },
  ]
}

/** Whether a panel of `round` may sit now (its window over, or answered, or retrying). */
export function panelDue(state: DisputeState, now: Date): boolean {
  const d = state.received
  if (!d) return false
  if (state.status === 'awaiting_response') return now >= new Date(d.respondBy)
  return state.status === 'deliberating' || state.status === 'appealed'
}

function recordPanel(c: Cmd<'RecordPanel'>, state: DisputeState): DisputeEvent[] {
  const d = state.received
  // a stale or repeated job: that round moved on, or this attempt already sat
  if (!d || c.round !== state.round || c.attempt !== state.panels.length + 1) return []
  if (!panelDue(state, c.now)) return []
  const votes = c.ballots.flatMap((b) =>
    b.vote ? [{ judgeId: b.judgeId, releasePercentage: b.vote.releasePercentage }] : [],
  )
  const aggregation = votes.length >= c.quorum ? aggregate(votes) : null
  const sat: PanelSat = {
    disputeId: d.disputeId,
    round: c.round,
    attempt: c.attempt,
    evidence: c.evidence as PanelSat['evidence'],
    evidenceHash: c.evidenceHash,
    prompt: c.prompt,
    ballots: c.ballots,
    quorum: c.quorum,
    aggregation,
    satAt: c.now.toISOString(),
  }
  const at = c.now.toISOString()
  if (!aggregation) {
    return [
      { type: 'PanelSat', data: sat },
      {
        type: 'QuorumMissed',
        data: {
          disputeId: d.disputeId,
          pactId: d.pactId,
          round: c.round,
          attempt: c.attempt,
          votes: votes.length,
          quorum: c.quorum,
          retryAt: new Date(c.now.getTime() + c.retryAfterSeconds * 1000).toISOString(),
          missedAt: at,
        },
      },
    ]
  }
  const record = roundRecord(d, c.round, [...state.panels, sat])
  const appealable = c.round === 1 && c.appealWindowSeconds > 0
  return [
    { type: 'PanelSat', data: sat },
    {
      type: 'VerdictReached',
      data: {
        disputeId: d.disputeId,
        escrowId: d.escrowId,
        pactId: d.pactId,
        releasePercentage: aggregation.median,
        votes: c.ballots.flatMap((b) =>
          b.vote
            ? [
                {
                  judgeId: b.judgeId,
                  provider: b.provider,
                  model: b.model,
                  scopeMet: b.vote.scopeMet,
                  qualityMet: b.vote.qualityMet,
                  releasePercentage: b.vote.releasePercentage,
                },
              ]
            : [],
        ),
        trimmed: aggregation.dropped,
        evidenceHash: c.evidenceHash,
        judges: c.ballots.map((b) => ({
          judgeId: b.judgeId,
          provider: b.provider satisfies JudgeProvider,
          model: b.model,
        })),
        recordHash: recordHash(record),
        round: c.round,
        appealableUntil: appealable
          ? new Date(c.now.getTime() + c.appealWindowSeconds * 1000).toISOString()
          : null,
        reachedAt: at,
      },
    },
  ]
}

function appeal(c: Cmd<'FileAppeal'>, state: DisputeState): DisputeEvent[] {
  const { d, side } = sideOf(state, c.callerOrgId)
  if (state.appeal) throw new E.AlreadyAppealed('the verdict was already appealed')
  const verdict = state.verdicts.at(-1)
  if (!verdict || verdict.round !== 1 || !verdict.appealableUntil) {
    throw new E.NotAppealable('there is no first verdict open to appeal')
  }
  if (c.now >= new Date(verdict.appealableUntil)) {
    throw new E.AppealWindowClosed(`the appeal window closed at ${verdict.appealableUntil}`)
  }
  return [
    {
      type: 'AppealFiled',
      data: {
        disputeId: d.disputeId,
        escrowId: d.escrowId,
        pactId: d.pactId,
        party: side,
        byOrgId: c.callerOrgId,
        feePayerAgentId: d[side].agentId,
        fee: c.fee,
        reason: c.reason,
        filedAt: c.now.toISOString(),
      },
    },
  ]
}

export const disputeDecider: Decider<DisputeCommand, DisputeEvent, DisputeState> = {
  decide,
  evolve,
  initialState,
  parse: parseDisputeEvent,
}
export const disputeStreamId = (disputeId: string) => `dispute-${disputeId}`
