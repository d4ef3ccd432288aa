import type { ApprovalRequested, Decider, DecidingKey } from '@tessera/contracts'
import {
  type ApprovalEvent,
  type ApprovalState,
  evolve,
  initialState,
  parseApprovalEvent,
} from './approval.state.ts'

export type ApprovalCommand =
  | {
      type: 'RequestApproval'
      request: Omit<ApprovalRequested, 'requestedAt' | 'expiresAt'>
      /** The org's window: a pending approval lapses after it. */
      windowSeconds: number
      now: Date
    }
  | {
      type: 'Approve'
      orgId: string
      /** The API key that decides (and its user): who decided, on record. */
      decidedByKey: DecidingKey
      /** A free note from the decider (an email, a ticket). */
      decidedBy?: string | undefined
      windowSeconds: number
      now: Date
    }
  | {
      type: 'Deny'
      orgId: string
      decidedByKey: DecidingKey
      decidedBy?: string | undefined
      reason?: string | undefined
      now: Date
    }
  | { type: 'Expire'; now: Date }
  | { type: 'Consume'; orgId: string; checkId: string; now: Date }

export class ApprovalNotFound extends Error {
  readonly code = 'NOT_FOUND'
}
export class ApprovalAlreadyDecided extends Error {
  readonly code = 'APPROVAL_ALREADY_DECIDED'
}
export class ApprovalHasExpired extends Error {
  readonly code = 'APPROVAL_EXPIRED'
}
export class ApprovalNotUsable extends Error {
  readonly code = 'APPROVAL_NOT_USABLE'
}

export function decide(command: ApprovalCommand, state: ApprovalState): ApprovalEvent[] {
  switch (command.type) {
    case 'RequestApproval':
      return request(command, state)
    case 'Approve':
      return approve(command, state)
    case 'Deny':
      return deny(command, state)
    case 'Expire':
      return expire(command, state)
    case 'Consume':
      return consume(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

function request(c: Extract<ApprovalCommand, { type: 'RequestApproval' }>, state: ApprovalState) {
  if (state.status !== 'none') throw new ApprovalAlreadyDecided('the approval already exists')
  const expiresAt = new Date(c.now.getTime() + c.windowSeconds * 1000)
  const data = {
    ...c.request,
    requestedAt: c.now.toISOString(),
    expiresAt: expiresAt.toISOString(),
  }
  return [{ type: 'ApprovalRequested', data } satisfies ApprovalEvent]
}

type Live = Exclude<ApprovalState, { status: 'none' }>

/** Pending and still within its window; else the error a human deciding it should see. */
function decidable(state: ApprovalState, orgId: string, now: Date): asserts state is Live {
  if (state.status === 'none' || state.orgId !== orgId)
    throw new ApprovalNotFound('approval not found')
  if (state.status === 'expired' || (state.status === 'pending' && state.expiresAt <= now)) {
    throw new ApprovalHasExpired(`the approval expired at ${state.expiresAt.toISOString()}`)
  }
  if (state.status !== 'pending')
    throw new ApprovalAlreadyDecided(`the approval is ${state.status}`)
}

/** Who decided: the key always, the free note when one was given. */
function decider(c: { decidedByKey: DecidingKey; decidedBy?: string | undefined }) {
  return {
    decidedByKey: c.decidedByKey,
    ...(c.decidedBy === undefined ? {} : { decidedBy: c.decidedBy }),
  }
}

function approve(c: Extract<ApprovalCommand, { type: 'Approve' }>, state: ApprovalState) {
  decidable(state, c.orgId, c.now)
  const usableUntil = new Date(c.now.getTime() + c.windowSeconds * 1000).toISOString()
  const data = {
    approvalId: state.approvalId,
    orgId: c.orgId,
    ...decider(c),
    decidedAt: c.now.toISOString(),
    usableUntil,
  }
  return [{ type: 'ApprovalApproved', data } satisfies ApprovalEvent]
}

function deny(c: Extract<ApprovalCommand, { type: 'Deny' }>, state: ApprovalState) {
  decidable(state, c.orgId, c.now)
  const data = {
    approvalId: state.approvalId,
    orgId: c.orgId,
    ...decider(c),
    ...(c.reason === undefined ? {} : { reason: c.reason }),
    decidedAt: c.now.toISOString(),
  }
  return [{ type: 'ApprovalDenied', data } satisfies ApprovalEvent]
}

/** Lapses a pending approval past its window; anything else is left as it is. */
function expire(c: Extract<ApprovalCommand, { type: 'Expire' }>, state: ApprovalState) {
  if (state.status !== 'pending' || state.expiresAt > c.now) return []
  const data = { approvalId: state.approvalId, orgId: state.orgId, expiredAt: c.now.toISOString() }
  return [{ type: 'ApprovalExpired', data } satisfies ApprovalEvent]
}

/** An approval lets one retried check through, before `usableUntil`. */
function consume(c: Extract<ApprovalCommand, { type: 'Consume' }>, state: ApprovalState) {
  if (state.status === 'none' || state.orgId !== c.orgId)
    throw new ApprovalNotFound('approval not found')
  if (
    state.status !== 'approved' ||
    state.consumed ||
    !state.usableUntil ||
    state.usableUntil <= c.now
  ) {
    throw new ApprovalNotUsable('the approval cannot let a check through')
  }
  const data = {
    approvalId: state.approvalId,
    orgId: c.orgId,
    checkId: c.checkId,
    consumedAt: c.now.toISOString(),
  }
  return [{ type: 'ApprovalConsumed', data } satisfies ApprovalEvent]
}

export const approvalDecider: Decider<ApprovalCommand, ApprovalEvent, ApprovalState> = {
  decide,
  evolve,
  initialState,
  parse: parseApprovalEvent,
}
export const approvalStreamId = (approvalId: string) => `approval-${approvalId}`
