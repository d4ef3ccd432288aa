import { randomBytes } from 'node:crypto'

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz'

// Ids are minted on hot paths (one per action check): drawing 17 bytes from the CSPRNG each
// time costs a system call, so they come from a pool refilled 4 KiB at a time.
const POOL_BYTES = 4096
let pool = Buffer.alloc(0)
let used = POOL_BYTES

function draw17(): Buffer {
  if (used + 17 > pool.length) {
    pool = randomBytes(POOL_BYTES)
    used = 0
  }
  used += 17
  return pool.subarray(used - 17, used)
}

/** `org_…`, `key_…`: a prefix and 26 lowercase Crockford base32 chars (130 random bits). */
export function newId(prefix: string): string {
  const bytes = draw17()
  let out = ''
  for (let i = 0; i < 26; i++) {
    // 5 bits per char from a byte stream; 26 * 5 = 130 bits of the 136 drawn.
    const bit = i * 5
    const byte = bit >> 3
    const word = ((bytes[byte]! << 8) | bytes[byte + 1]!) >> (11 - (bit & 7))
    out += CROCKFORD[word & 31]
  }
  return `${prefix}_${out}`
}

/**
 * Like {@link newId}, but the first 10 characters are the time in ms (as in a ULID), so ids
 * minted together sort together: rows keyed by them append at the end of their index instead
 * of splitting pages all over it. 80 random bits follow.
 */
export function newTimeOrderedId(prefix: string, now = Date.now()): string {
  let time = ''
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32]! + time
  return `${prefix}_${time}${newId('x').slice(12)}`
}

/** A new opaque secret such as an API key: `tsk_live_` + 256 random bits, base64url. */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`
}
