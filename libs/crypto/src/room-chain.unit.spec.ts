import { bytesToHex } from '@noble/hashes/utils.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { generateEd25519KeyPair, signHash, verifyHash } from './ed25519.ts'
import { sha256Hex } from './sha256.ts'
import {
  ROOM_GENESIS_HASH,
  hashVerifierFor,
  type RoomChainCheckpoint,
  type RoomChainEntry,
  type RoomKeySet,
  roomEntryHash,
  signRoomCheckpoint,
  verifyRoom,
} from './room-chain.ts'

const roomId = 'pact_0123456789abcdefghjkmnpqrs'
const key = generateEd25519KeyPair()
const other = generateEd25519KeyPair()
const keys: RoomKeySet = {
  keys: [{ keyId: 'k1', publicKey: bytesToHex(key.publicKey), status: 'active' }],
}

function entries(n: number): RoomChainEntry[] {
  const out: RoomChainEntry[] = []
  let prevHash = ROOM_GENESIS_HASH
  for (let seq = 1; seq <= n; seq++) {
    const entry = {
      roomId,
      seq,
      eventId: `0190a0b0-0000-7000-8000-${String(seq).padStart(12, '0')}`,
      context: 'pacts',
      type: seq === 1 ? 'PactProposed' : 'ParamBindingViolated',
      data: { pactId: roomId, n: seq, nested: { b: 2, a: [1, 'x'] } },
      occurredAt: new Date(Date.UTC(2026, 11, 6, 12, 0, seq)).toISOString(),
      prevHash,
    }
    const entryHash = roomEntryHash(entry)
    out.push({ ...entry, entryHash })
    prevHash = entryHash
  }
  return out
}

function checkpoint(
  es: RoomChainEntry[],
  entryCount: number,
  secretKey = key.secretKey,
  keyId = 'k1',
): RoomChainCheckpoint {
  const body = {
    roomId,
    entryCount,
    headHash: es[entryCount - 1]!.entryHash,
    signedAt: '2026-12-06T12:10:00.000Z',
  }
  return { ...body, keyId, signature: signRoomCheckpoint(body, secretKey) }
}

function room(n = 6, at = [3, 6]) {
  const es = entries(n)
  return { roomId, entries: es, checkpoints: at.map((c) => checkpoint(es, c)) }
}

describe('verifyRoom', () => {
  it('accepts an intact room and says how much of it is signed', () => {
    const r = room(7, [3, 6])
    const v = verifyRoom(r, keys)
    expect(v).toMatchObject({ valid: true, entryCount: 7, signedEntries: 6, unsignedTail: 1 })
    expect(v.problem).toBeUndefined()
  })

  it('hashes JCS, so the key order of an entry’s data does not matter', () => {
    const r = room()
    r.entries[1] = {
      ...r.entries[1]!,
      data: { nested: { a: [1, 'x'], b: 2 }, n: 2, pactId: roomId },
    }
    expect(verifyRoom(r, keys).valid).toBe(true)
  })

  it('names a changed entry by its seq', () => {
    const r = room()
    r.entries[3] = { ...r.entries[3]!, data: { ...(r.entries[3]!.data as object), n: 99 } }
    const v = verifyRoom(r, keys)
    expect(v.valid).toBe(false)
    expect(v.problem).toMatchObject({ code: 'ENTRY_HASH_MISMATCH', seq: 4 })
  })

  it('names the entry after one whose hash was recomputed too', () => {
    const r = room(6, [])
    const changed = { ...r.entries[1]!, type: 'PactAccepted' }
    r.entries[1] = { ...changed, entryHash: roomEntryHash(changed) }
    expect(verifyRoom(r, keys).problem).toMatchObject({ code: 'PREV_HASH_MISMATCH', seq: 3 })
  })

  it('catches a rewritten chain at the checkpoint that covers it, naming its range', () => {
    const r = room(6, [3, 6])
    // entry 5 changed and every hash from it on recomputed: the chain holds, the signature not
    let prevHash = r.entries[3]!.entryHash
    for (let i = 4; i < 6; i++) {
      const e = { ...r.entries[i]!, prevHash, ...(i === 4 ? { type: 'Forged' } : {}) }
      r.entries[i] = { ...e, entryHash: roomEntryHash(e) }
      prevHash = r.entries[i]!.entryHash
    }
    const v = verifyRoom(r, keys)
    expect(v.problem).toMatchObject({ code: 'CHECKPOINT_HEAD_MISMATCH', seq: 4 })
    expect(v.problem?.message).toContain('entries 4–6')
    expect(v.signedEntries).toBe(3)
  })

  it('names the place of a reordered entry', () => {
    const r = room()
    ;[r.entries[2], r.entries[3]] = [r.entries[3]!, r.entries[2]!]
    expect(verifyRoom(r, keys).problem).toMatchObject({ code: 'SEQ_MISMATCH', seq: 3 })
  })

  it('names a missing entry', () => {
    const r = room()
    r.entries.splice(1, 1)
    expect(verifyRoom(r, keys).problem).toMatchObject({ code: 'SEQ_MISMATCH', seq: 2 })
  })

  it('catches entries removed from the end when a checkpoint signed them', () => {
    const r = room(6, [3, 6])
    r.entries.splice(4)
    expect(verifyRoom(r, keys).problem).toMatchObject({
      code: 'CHECKPOINT_BEYOND_ENTRIES',
      seq: 5,
    })
  })

  it('refuses a checkpoint signed by another key under the same key id', () => {
    const r = room(6, [3])
    r.checkpoints = [checkpoint(r.entries, 3), checkpoint(r.entries, 6, other.secretKey)]
    const v = verifyRoom(r, keys)
    expect(v.problem).toMatchObject({
      code: 'CHECKPOINT_BAD_SIGNATURE',
      seq: 6,
      checkpoint: { entryCount: 6 },
    })
    expect(v.signedEntries).toBe(3)
  })

  it('refuses a checkpoint by a key the key set does not hold', () => {
    const r = room(3, [])
    r.checkpoints = [checkpoint(r.entries, 3, other.secretKey, 'k-other')]
    expect(verifyRoom(r, keys).problem).toMatchObject({ code: 'CHECKPOINT_UNKNOWN_KEY' })
  })

  it('refuses a checkpoint whose headHash is not the entry it counts to, though signed', () => {
    const r = room(6, [])
    const body = { roomId, entryCount: 4, headHash: r.entries[4]!.entryHash, signedAt: 'x' }
    r.checkpoints = [{ ...body, keyId: 'k1', signature: signRoomCheckpoint(body, key.secretKey) }]
    expect(verifyRoom(r, keys).problem).toMatchObject({ code: 'CHECKPOINT_HEAD_MISMATCH' })
  })

  it('refuses a checkpoint whose count was changed after signing', () => {
    const r = room(6, [6])
    r.checkpoints = [{ ...r.checkpoints[0]!, entryCount: 5, headHash: r.entries[4]!.entryHash }]
    expect(verifyRoom(r, keys).problem).toMatchObject({ code: 'CHECKPOINT_BAD_SIGNATURE' })
  })

  it('refuses a checkpoint signed after its key was retired, accepts one signed before', () => {
    const r = room(3, [3])
    const retired = (retiredAt: string): RoomKeySet => ({
      keys: [{ ...keys.keys[0]!, status: 'retired', retiredAt }],
    })
    expect(verifyRoom(r, retired('2026-12-07T00:00:00.000Z')).valid).toBe(true)
    expect(verifyRoom(r, retired('2026-12-06T00:00:00.000Z')).problem).toMatchObject({
      code: 'CHECKPOINT_KEY_RETIRED',
    })
  })

  it('compares signedAt with retiredAt as instants, not as strings', () => {
    // whoever holds a retired key writes signedAt: 09:00 at -05:00 is 14:00Z, after 10:00Z,
    // though the string sorts before it; and a signedAt that is no time proves nothing
    const retired: RoomKeySet = {
      keys: [{ ...keys.keys[0]!, status: 'retired', retiredAt: '2026-12-06T10:00:00.000Z' }],
    }
    const es = entries(3)
    for (const signedAt of ['2026-12-06T09:00:00-05:00', 'not a time', '']) {
      const body = { roomId, entryCount: 3, headHash: es[2]!.entryHash, signedAt }
      const cp = { ...body, keyId: 'k1', signature: signRoomCheckpoint(body, key.secretKey) }
      const result = verifyRoom({ roomId, entries: es, checkpoints: [cp] }, retired)
      expect(result.problem, signedAt).toMatchObject({ code: 'CHECKPOINT_KEY_RETIRED' })
    }
    const before = '2026-12-06T11:59:00+02:00' // 09:59Z, though the string sorts after 10:00Z
    const body = { roomId, entryCount: 3, headHash: es[2]!.entryHash, signedAt: before }
    const cp = { ...body, keyId: 'k1', signature: signRoomCheckpoint(body, key.secretKey) }
    expect(verifyRoom({ roomId, entries: es, checkpoints: [cp] }, retired).valid).toBe(true)
  })

  it('refuses entries of another room and a first entry not chained to 64 zeros', () => {
    const r = room(3, [])
    const moved = { ...r.entries[0]!, roomId: 'pact_zzzzzzzzzzzzzzzzzzzzzzzzzz' }
    expect(
      verifyRoom({ ...r, entries: [{ ...moved, entryHash: roomEntryHash(moved) }] }, keys).problem,
    ).toMatchObject({ code: 'WRONG_ROOM', seq: 1 })
    const rooted = { ...r.entries[0]!, prevHash: 'f'.repeat(64) }
    expect(
      verifyRoom({ ...r, entries: [{ ...rooted, entryHash: roomEntryHash(rooted) }] }, keys)
        .problem,
    ).toMatchObject({ code: 'PREV_HASH_MISMATCH', seq: 1 })
  })

  it('reports a malformed entry instead of throwing', () => {
    const r = room(2, [])
    r.entries[0] = { ...r.entries[0]!, data: { bad: Number.NaN } }
    expect(verifyRoom(r, keys).problem).toMatchObject({ code: 'MALFORMED_ENTRY', seq: 1 })
  })
})

describe('hashVerifierFor', () => {
  it('agrees with verifyHash on good, foreign, altered and malformed signatures', () => {
    const signer = generateEd25519KeyPair()
    const verify = hashVerifierFor(bytesToHex(signer.publicKey))
    fc.assert(
      fc.property(fc.string(), fc.nat(127), (text, flip) => {
        const hash = sha256Hex(text)
        const good = signHash(hash, signer.secretKey)
        const foreign = signHash(hash, other.secretKey)
        const altered =
          good.slice(0, flip) + (good[flip] === '0' ? '1' : '0') + good.slice(flip + 1)
        for (const sig of [good, foreign, altered, good.toUpperCase(), good.slice(2), '']) {
          expect(verify(hash, sig)).toBe(verifyHash(hash, sig, signer.publicKey))
        }
        expect(verify(hash, good)).toBe(true)
      }),
      { numRuns: 50 },
    )
    expect(hashVerifierFor('zz')(sha256Hex('x'), 'a'.repeat(128))).toBe(false)
  })
})
