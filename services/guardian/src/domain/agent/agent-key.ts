import { publicKeyOfDidKey } from '@tessera/crypto'

const KEY_BYTES = 32
const BASE64URL = /^[A-Za-z0-9_-]{43}$/
const BASE64 = /^[A-Za-z0-9+/]{43}=?$/
const MULTIBASE = /^(?:did:key:)?(z[1-9A-HJ-NP-Za-km-z]+)$/

/**
 * Reads an Ed25519 public key as callers write it: base64url or base64 of the 32 raw bytes, or
 * the multibase `z6Mk…` of a did:key (with or without `did:key:`). Anything else is undefined.
 */
export function parseEd25519PublicKey(input: string): Uint8Array | undefined {
  const text = input.trim()
  if (BASE64URL.test(text) || BASE64.test(text)) {
    const raw = Buffer.from(text, BASE64URL.test(text) ? 'base64url' : 'base64')
    // Buffer ignores stray bits in the last character: only the canonical spelling is a key.
    const canonical = raw.toString(BASE64URL.test(text) ? 'base64url' : 'base64')
    if (raw.length !== KEY_BYTES || canonical.replace(/=$/, '') !== text.replace(/=$/, '')) {
      return undefined
    }
    return new Uint8Array(raw)
  }
  const multibase = MULTIBASE.exec(text)?.[1]
  return multibase ? publicKeyOfDidKey(`did:key:${multibase}`) : undefined
}

/** The raw key as base64url without padding, as events carry it. */
export function base64UrlOf(rawKey: Uint8Array): string {
  return Buffer.from(rawKey).toString('base64url')
}

export const ED25519_KEY_BYTES = KEY_BYTES
