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

/**
 * What both parties sign to settle an escrow without the jury: SHA-256 of the RFC 8785 JSON of
 * `{type: 'tessera.escrow.mutual-settlement.v1', escrowId, pactId, releasePercentage}`.
 */
export function settlementHash(
  escrowId: string,
  pactId: string,
  releasePercentage: number,
): string {
  return sha256Hex(
    canonicalJson({
      type: 'tessera.escrow.mutual-settlement.v1',
      escrowId,
      pactId,
      releasePercentage,
    }),
  )
}

/** One party's signature of a mutual settlement's split. */
export function signSettlement(
  split: { escrowId: string; pactId: string; releasePercentage: number },
  secretKey: Uint8Array,
): string {
  return signHash(settlementHash(split.escrowId, split.pactId, split.releasePercentage), secretKey)
}
