import { canonicalJson } from './canonical-json.ts'
import { signHash } from './ed25519.ts'
import { sha256Hex } from './sha256.ts'

/** An escrow deliverable's hash: SHA-256 of its RFC 8785 (JCS) JSON, 64 lowercase hex digits. */
export function deliverableHash(deliverable: unknown): string {
  return sha256Hex(canonicalJson(deliverable))
}

/** The seller's completion signature: Ed25519 over the deliverable's hash. */
export function signCompletion(
  deliverable: unknown,
  secretKey: Uint8Array,
): { deliverableHash: string; sellerSignature: string } {
  const hash = deliverableHash(deliverable)
  return { deliverableHash: hash, sellerSignature: signHash(hash, secretKey) }
}
