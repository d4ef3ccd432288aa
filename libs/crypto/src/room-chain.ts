import { hexToBytes } from '@noble/hashes/utils.js'
import type { RoomCheckpoint, RoomEntry } from '@tessera/contracts'
import { canonicalJson } from './canonical-json.ts'
import { signHash, verifyHash } from './ed25519.ts'
import { sha256Hex } from './sha256.ts'

// A pact's room is a hash chain of entries with signed checkpoints (docs/rooms.md). The pacts
// service writes it with these functions and anyone verifies it with the same ones, offline.

/** `prevHash` of a room's first entry. */
export const ROOM_GENESIS_HASH = '0'.repeat(64)

/** One entry of a room, as the API serves it (`RoomEntry` of the contracts). */
export type RoomChainEntry = RoomEntry

/** A checkpoint: the service key's signature over the hash of `{roomId, entryCount, headHash, signedAt}`. */
export type RoomChainCheckpoint = RoomCheckpoint

/** The keys checkpoints may be signed with (`/.well-known/tessera-keys.json`). */
export interface RoomKeySet {
  keys: readonly {
    keyId: string
    /** 32 bytes, lowercase hex. */
    publicKey: string
    status?: string
    retiredAt?: string
  }[]
}

/** SHA-256 of the RFC 8785 JSON of exactly these eight members: an entry's `entryHash`. */
export function roomEntryHash(entry: Omit<RoomChainEntry, 'entryHash'>): string {
  const { roomId, seq, eventId, context, type, data, occurredAt, prevHash } = entry
  return sha256Hex(
    canonicalJson({ roomId, seq, eventId, context, type, data, occurredAt, prevHash }),
  )
}

/** SHA-256 of the RFC 8785 JSON of `{roomId, entryCount, headHash, signedAt}`: what is signed. */
export function roomCheckpointHash(
  checkpoint: Pick<RoomChainCheckpoint, 'roomId' | 'entryCount' | 'headHash' | 'signedAt'>,
): string {
  const { roomId, entryCount, headHash, signedAt } = checkpoint
  return sha256Hex(canonicalJson({ roomId, entryCount, headHash, signedAt }))
}

/** Ed25519 over the checkpoint's hash, as 128 lowercase hex digits. */
export function signRoomCheckpoint(
  checkpoint: Pick<RoomChainCheckpoint, 'roomId' | 'entryCount' | 'headHash' | 'signedAt'>,
  secretKey: Uint8Array,
): string {
  return signHash(roomCheckpointHash(checkpoint), secretKey)
}

/** Why a room did not verify. */
export type RoomProblemCode =
  /** the entry's content does not hash to its `entryHash`: it was changed after it was written */
  | 'ENTRY_HASH_MISMATCH'
  /** the entry's `prevHash` is not the previous entry's `entryHash` */
  | 'PREV_HASH_MISMATCH'
  /** the entry with this seq is missing, duplicated or out of order */
  | 'SEQ_MISMATCH'
  /** the entry says it belongs to another room */
  | 'WRONG_ROOM'
  /** the entry cannot be hashed (not JSON, or a field of the wrong kind) */
  | 'MALFORMED_ENTRY'
  /** the checkpoint names a key the key set does not hold */
  | 'CHECKPOINT_UNKNOWN_KEY'
  /** the signature is not the named key's over this checkpoint */
  | 'CHECKPOINT_BAD_SIGNATURE'
  /** signed after its key was retired */
  | 'CHECKPOINT_KEY_RETIRED'
  /** the signed head hash is not the `entryHash` of entry `entryCount` */
  | 'CHECKPOINT_HEAD_MISMATCH'
  /** the checkpoint signed more entries than there are: entries were removed */
  | 'CHECKPOINT_BEYOND_ENTRIES'
  /** the checkpoint says it is of another room */
  | 'CHECKPOINT_WRONG_ROOM'

export interface RoomProblem {
  code: RoomProblemCode
  /** The first entry that is wrong (for a checkpoint: the entry it signs). */
  seq: number
  message: string
  /** Set when a checkpoint is at fault. */
  checkpoint?: { entryCount: number; keyId: string }
}

export interface RoomVerification {
  valid: boolean
  roomId: string
  entryCount: number
  checkpointCount: number
  /** Entries covered by the last valid checkpoint: their content is signed. */
  signedEntries: number
  /** Entries after the last checkpoint: chained, but no signature covers them yet. */
  unsignedTail: number
  /** The problem with the lowest seq; undefined when valid. */
  problem?: RoomProblem
  /** Every problem found: the first broken entry of the chain, and every bad checkpoint. */
  problems: RoomProblem[]
}

export interface RoomToVerify {
  roomId: string
  entries: readonly RoomChainEntry[]
  checkpoints: readonly RoomChainCheckpoint[]
}

/**
 * Checks a room without trusting whoever served it: the entries are 1, 2, 3, … each hashing to
 * its `entryHash` and chained by `prevHash` from 64 zeros, and every checkpoint is signed by a
 * key of `keys` over a head hash that is the `entryHash` of the entry it counts up to. An entry
 * changed without its hash names itself; one changed with its hash (and the chain after it
 * re-hashed) is caught by the next checkpoint, which can only name the range it covers.
 */
export function verifyRoom(room: RoomToVerify, keys: RoomKeySet): RoomVerification {
  const { roomId, entries } = room
  const problems: RoomProblem[] = []
  const chainProblem = checkChain(roomId, entries)
  if (chainProblem) problems.push(chainProblem)
  // entries[i] is trusted to be seq i + 1 only below the first broken one
  const intact = chainProblem ? chainProblem.seq - 1 : entries.length
  const publicKeys = new Map(
    keys.keys.map((k) => [k.keyId, { ...k, verify: hashVerifierFor(k.publicKey) }]),
  )
  const checkpoints = [...room.checkpoints].sort((a, b) => a.entryCount - b.entryCount)
  let signedEntries = 0
  for (const cp of checkpoints) {
    // a rewritten range starts after the last checkpoint that still holds
    const problem = checkCheckpoint(roomId, cp, entries, intact, signedEntries, publicKeys)
    if (problem) problems.push(problem)
    else signedEntries = cp.entryCount
  }
  problems.sort((a, b) => a.seq - b.seq)
  return {
    valid: problems.length === 0,
    roomId,
    entryCount: entries.length,
    checkpointCount: checkpoints.length,
    signedEntries,
    unsignedTail: Math.max(0, entries.length - signedEntries),
    ...(problems[0] ? { problem: problems[0] } : {}),
    problems,
  }
}

function checkChain(roomId: string, entries: readonly RoomChainEntry[]): RoomProblem | undefined {
  let prevHash = ROOM_GENESIS_HASH
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!
    const seq = i + 1
    const fail = (code: RoomProblemCode, message: string): RoomProblem => ({
      code,
      seq,
      message: `entry ${seq}: ${message}`,
    })
    if (e.seq !== seq) {
      return fail(
        'SEQ_MISMATCH',
        `expected seq ${seq} here, found ${String(e.seq)}: an entry is missing, duplicated or out of order`,
      )
    }
    if (e.roomId !== roomId) return fail('WRONG_ROOM', `belongs to room ${String(e.roomId)}`)
    if (e.prevHash !== prevHash) {
      return fail(
        'PREV_HASH_MISMATCH',
        seq === 1
          ? 'prevHash of the first entry must be 64 zeros'
          : `prevHash is not entry ${seq - 1}'s entryHash: entry ${seq - 1} was replaced, or this one was moved`,
      )
    }
    let computed: string
    try {
      computed = roomEntryHash(e)
    } catch (err) {
      return fail('MALFORMED_ENTRY', err instanceof Error ? err.message : String(err))
    }
    if (computed !== e.entryHash) {
      return fail(
        'ENTRY_HASH_MISMATCH',
        `its content hashes to ${computed}, not to its entryHash ${String(e.entryHash)}: it was changed after it was written`,
      )
    }
    prevHash = e.entryHash
  }
  return undefined
}

function checkCheckpoint(
  roomId: string,
  cp: RoomChainCheckpoint,
  entries: readonly RoomChainEntry[],
  intact: number,
  previous: number,
  publicKeys: Map<
    string,
    RoomKeySet['keys'][number] & { verify: ReturnType<typeof hashVerifierFor> }
  >,
): RoomProblem | undefined {
  const n = cp.entryCount
  const fail = (code: RoomProblemCode, seq: number, message: string): RoomProblem => ({
    code,
    seq,
    message: `checkpoint at ${n} entries (key ${cp.keyId}): ${message}`,
    checkpoint: { entryCount: n, keyId: cp.keyId },
  })
  if (cp.roomId !== roomId) return fail('CHECKPOINT_WRONG_ROOM', n, `is of room ${cp.roomId}`)
  const key = publicKeys.get(cp.keyId)
  if (!key) return fail('CHECKPOINT_UNKNOWN_KEY', n, 'signed by a key the key set does not hold')
  let hash: string
  try {
    hash = roomCheckpointHash(cp)
  } catch {
    return fail('CHECKPOINT_BAD_SIGNATURE', n, 'cannot be hashed')
  }
  if (!key.verify(hash, cp.signature)) {
    return fail('CHECKPOINT_BAD_SIGNATURE', n, 'the signature is not this key’s over it')
  }
  // as instants: the signer writes signedAt, and `09:00-05:00` sorts before `10:00Z` as text;
  // a signedAt that is no time cannot show it came before the retirement
  if (key.retiredAt !== undefined && !(instantOf(cp.signedAt) <= instantOf(key.retiredAt))) {
    return fail('CHECKPOINT_KEY_RETIRED', n, `signed after the key was retired (${key.retiredAt})`)
  }
  if (!Number.isInteger(n) || n < 1 || n > entries.length) {
    return fail(
      'CHECKPOINT_BEYOND_ENTRIES',
      entries.length + 1,
      `signs ${n} entries but there are ${entries.length}: entries were removed`,
    )
  }
  if (n <= intact && entries[n - 1]!.entryHash !== cp.headHash) {
    // every entry up to n chains, so one of them was rewritten together with the chain after it
    return fail(
      'CHECKPOINT_HEAD_MISMATCH',
      previous + 1,
      `the entries do not chain to its signed headHash: one of entries ${previous + 1}–${n} was rewritten`,
    )
  }
  return undefined
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/

/** Milliseconds since the epoch of an RFC 3339 timestamp; NaN for anything else. */
function instantOf(text: unknown): number {
  return typeof text === 'string' && ISO_INSTANT.test(text) ? Date.parse(text) : Number.NaN
}

function isHex32(text: string): boolean {
  return /^[0-9a-f]{64}$/.test(text)
}

// A room has a checkpoint every 100 entries or so, each verified against one of a few keys:
// Node's OpenSSL Ed25519 does that about twenty times faster than noble's portable code.
// Loaded as sha256.ts loads it, so a browser bundle never meets `node:crypto`.
const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto')
const HASH_HEX = /^[0-9a-f]{64}$/
const SIGNATURE_HEX = /^[0-9a-f]{128}$/

/**
 * `verifyHash` for one public key (64 hex digits), with the key parsed once: Node's Ed25519
 * where there is Node, noble's (`verifyHash`) elsewhere. False for anything malformed.
 */
export function hashVerifierFor(
  publicKeyHex: string,
): (hashHex: string, signatureHex: string) => boolean {
  if (!isHex32(publicKeyHex)) return () => false
  const bytes = hexToBytes(publicKeyHex)
  if (!nodeCrypto) return (hash, signature) => verifyHash(hash, signature, bytes)
  let key: ReturnType<typeof nodeCrypto.createPublicKey>
  try {
    const x = Buffer.from(bytes).toString('base64url')
    key = nodeCrypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' })
  } catch {
    return () => false // not a point on the curve
  }
  return (hash, signature) => {
    if (!HASH_HEX.test(hash) || !SIGNATURE_HEX.test(signature)) return false
    try {
      return nodeCrypto.verify(null, Buffer.from(hash, 'hex'), key, Buffer.from(signature, 'hex'))
    } catch {
      return false
    }
  }
}
