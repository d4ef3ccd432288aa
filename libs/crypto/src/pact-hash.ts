import { canonicalJson } from './canonical-json.ts'
import { signHash, verifyHash } from './ed25519.ts'
import { sha256Hex } from './sha256.ts'

/**
 * A pact's hash: SHA-256 of the RFC 8785 (JCS) JSON of its terms, 64 lowercase hex digits.
 *
 * Not `sha256(JSON.stringify(terms))`, as the reference's code writes it: `JSON.stringify`
 * keeps the order in which the object's keys were created, so two agents holding the same terms
 * (one parsed them from the wire, the other built them in another order, or another language)
 * get different hashes, and a signature over one does not verify the other. JCS fixes the key
 * order, the whitespace and the number forms, so every runtime computes the same bytes.
 */
export function pactHash(terms: unknown): string {
  return sha256Hex(canonicalJson(terms))
}

/**
 * Signs a pact's terms locally: Ed25519 with the agent's 32-byte secret key over the 32 bytes of
 * `pactHash(terms)`, as 128 lowercase hex digits. The key never leaves the agent.
 */
export function signPact(terms: unknown, secretKey: Uint8Array): string {
  return signHash(pactHash(terms), secretKey)
}

/** Whether `signature` is `publicKey`'s signature of these terms' hash. Never throws. */
export function verifyPactSignature(
  terms: unknown,
  signature: string,
  publicKey: Uint8Array,
): boolean {
  let hash: string
  try {
    hash = pactHash(terms)
  } catch {
    return false
  }
  return verifyHash(hash, signature, publicKey)
}
