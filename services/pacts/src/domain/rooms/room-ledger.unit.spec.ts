import { describe, expect, it } from 'vitest'
import type { Envelope } from '@tessera/contracts'
import { ROOM_GENESIS_HASH, roomEntryHash } from '@tessera/crypto'
import { metadataFor } from '@tessera/testing'
import {
  EMPTY_ROOM,
  ROOM_ENTRY_TYPES,
  chainEntry,
  checkpointsDue,
  roomPartiesOf,
  roomSourceOf,
} from './room-ledger.ts'

const pactId = 'pact_0123456789abcdefghjkmnpqrs'
const envelope = (type: string, data: unknown): Envelope => ({
  type,
  data,
  metadata: { ...metadataFor(`pact-${pactId}`), occurredAt: '2026-12-06T12:00:00.123456+01:00' },
})

describe('what makes a room entry', () => {
  it('is every pacts event whose data has a pactId, and nothing else', () => {
    expect([...ROOM_ENTRY_TYPES].sort()).toEqual([
      'ExecutionFailureReported',
      'PactAccepted',
      'PactCountered',
      'PactExpired',
      'PactProposed',
      'PactRegistered',
      'PactRejected',
      'ParamBindingViolated',
      'RoomEventRecorded',
    ])
    // a checkpoint names a room, not a pact: recording it would loop
    expect(ROOM_ENTRY_TYPES).not.toContain('RoomCheckpointSigned')
    expect(roomSourceOf(envelope('RoomCheckpointSigned', { roomId: pactId }))).toBeUndefined()
  })

  it('takes a pacts event’s own id, type and time, the time as toISOString writes it', () => {
    const e = envelope('PactRejected', { pactId, reason: 'no' })
    expect(roomSourceOf(e)).toEqual({
      pactId,
      eventId: e.metadata.eventId,
      context: 'pacts',
      type: 'PactRejected',
      data: { pactId, reason: 'no' },
      occurredAt: '2026-12-06T11:00:00.123Z',
    })
  })

  it('takes a recorded escrow event’s id, context, type, data and time, not the wrapper’s', () => {
    const source = {
      eventId: 'esc-1',
      context: 'escrow',
      type: 'EscrowLocked',
      data: { pactId, amount: '5' },
      occurredAt: '2026-12-06T10:00:00Z',
    }
    expect(roomSourceOf(envelope('RoomEventRecorded', { pactId, source }))).toEqual({
      pactId,
      ...source,
      occurredAt: '2026-12-06T10:00:00.000Z',
    })
  })

  it('knows the parties’ orgs from the events that name them', () => {
    expect(roomPartiesOf({ buyer: { orgId: 'org_a' }, seller: { orgId: 'org_b' } })).toEqual({
      buyerOrgId: 'org_a',
      sellerOrgId: 'org_b',
    })
    expect(roomPartiesOf({ pactId })).toEqual({})
  })
})

describe('chaining', () => {
  const source = {
    pactId,
    eventId: 'e1',
    context: 'pacts',
    type: 'ExecutionFailureReported',
    data: { pactId, escrowId: undefined, failureReason: 'x' },
    occurredAt: '2026-12-06T12:00:00.000Z',
  }

  it('starts from 64 zeros and hashes the data as the log stores it', () => {
    const first = chainEntry(EMPTY_ROOM, source)
    expect(first).toMatchObject({ seq: 1, prevHash: ROOM_GENESIS_HASH, roomId: pactId })
    // `undefined` members do not survive the log's JSON, so they are not hashed either
    expect(first.data).toEqual({ pactId, failureReason: 'x' })
    const { entryHash, ...rest } = first
    expect(entryHash).toBe(roomEntryHash(rest))
    const second = chainEntry({ entryCount: 1, headHash: entryHash }, { ...source, eventId: 'e2' })
    expect(second).toMatchObject({ seq: 2, prevHash: entryHash })
  })
})

describe('checkpoints due', () => {
  it('are every multiple of N not yet signed', () => {
    expect(checkpointsDue({ entryCount: 7, every: 3, signed: [] })).toEqual([3, 6])
    expect(checkpointsDue({ entryCount: 7, every: 3, signed: [3] })).toEqual([6])
    expect(checkpointsDue({ entryCount: 2, every: 3, signed: [] })).toEqual([])
  })

  it('add the entry that closed the pact, once', () => {
    expect(checkpointsDue({ entryCount: 5, every: 3, signed: [3], closedAt: 5 })).toEqual([5])
    expect(checkpointsDue({ entryCount: 6, every: 3, signed: [3], closedAt: 6 })).toEqual([6])
    expect(checkpointsDue({ entryCount: 5, every: 3, signed: [3, 5], closedAt: 5 })).toEqual([])
  })
})
