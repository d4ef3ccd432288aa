import {
  type FlattenedVerifyGetKey,
  type JWSHeaderParameters,
  type KeyInput,
  FlattenedSign,
  base64url,
  flattenedVerify,
} from 'jose'

/**
 * One JWS (RFC 7515) in the flattened JSON serialization with its payload left out (detached,
 * RFC 7515 Appendix F): the document it signs travels beside it, as an A2A card's signatures do.
 */
export interface DetachedJws {
  protected: string
  signature: string
  header?: JWSHeaderParameters
}

/** A key to verify with: a public key, a JWK, or a resolver such as jose's `createLocalJWKSet`. */
export type JwsVerifyKey = KeyInput | FlattenedVerifyGetKey

/** Signs `payload` (its UTF-8 bytes) under `protectedHeader`, which must name the `alg`. */
export async function signDetachedJws(
  payload: string,
  key: KeyInput,
  protectedHeader: JWSHeaderParameters & { alg: string },
): Promise<DetachedJws> {
  const jws = await new FlattenedSign(new TextEncoder().encode(payload))
    .setProtectedHeader(protectedHeader)
    .sign(key)
  if (!jws.protected) throw new Error('jose returned a JWS without its protected header')
  return { protected: jws.protected, signature: jws.signature }
}

/**
 * Checks a detached JWS over `payload`; resolves to its protected header. Rejects with jose's
 * errors (`code` `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`, `ERR_JWKS_NO_MATCHING_KEY`, …), which
 * callers map to their own answers.
 */
export async function verifyDetachedJws(
  jws: DetachedJws,
  payload: string,
  key: JwsVerifyKey,
): Promise<JWSHeaderParameters> {
  const input = { ...jws, payload: base64url.encode(payload) }
  const { protectedHeader } = await flattenedVerify(input, key)
  return protectedHeader ?? {}
}
