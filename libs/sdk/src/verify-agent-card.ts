import {
  type CryptoKey,
  type FlattenedVerifyGetKey,
  type JSONWebKeySet,
  type JWK,
  type JWSHeaderParameters,
  createLocalJWKSet,
  decodeProtectedHeader,
} from 'jose'
import { agentCardPayload, verifyDetachedJws } from '@tessera/crypto'
import { NetworkError, TesseraError } from './errors.ts'

/** Whose keys a card must be signed with. Never the card's own `jku`: the caller picks. */
export type AgentCardKeys =
  | { jwks: JSONWebKeySet }
  /** Fetched once per call, e.g. `https://tessera.example/a2a/jwks.json`. */
  | { jwksUrl: string | URL; fetch?: typeof fetch; timeoutMs?: number }
  /** One key, whatever the signature's `kid`. */
  | { publicKey: CryptoKey | JWK }

/**
 * Why a card did not verify. `unsigned`: no signatures. `malformed`: no signature could be
 * read. `unknown_key`: none names a key of the JWKS. `bad_signature`: the card was changed
 * after signing, or signed by another key.
 */
export type AgentCardInvalidReason = 'unsigned' | 'malformed' | 'unknown_key' | 'bad_signature'

export type AgentCardVerification =
  | { valid: true; kid: string | undefined }
  | { valid: false; kid: string | undefined; reason: AgentCardInvalidReason; message: string }

const DEFAULT_TIMEOUT_MS = 10_000
// the most telling reason wins when several signatures fail
const RANK: AgentCardInvalidReason[] = ['unsigned', 'malformed', 'unknown_key', 'bad_signature']

/**
 * Checks an A2A v1.0 agent card's signatures (§8.4): valid when one of them is a JWS, by one of
 * `keys`, over the card's canonical payload. An invalid card is an answer, not an error; this
 * throws only when it cannot decide: a `TypeError` for no keys, a `NetworkError` when
 * `jwksUrl` cannot be fetched, a `TesseraError` (`INVALID_JWKS`) when it is not a JWKS.
 */
export async function verifyAgentCard(
  card: unknown,
  keys: AgentCardKeys,
): Promise<AgentCardVerification> {
  const key = await resolveKeys(keys)
  const signatures = isRecord(card) && Array.isArray(card['signatures']) ? card['signatures'] : []
  if (signatures.length === 0) return invalid('unsigned', undefined, 'the card has no signatures')
  let payload: string
  try {
    payload = agentCardPayload(card as object)
  } catch (err) {
    // e.g. a lone surrogate: no RFC 8785 form, so nothing anyone can have signed
    return invalid('malformed', undefined, message(err))
  }
  let worst: AgentCardVerification | undefined
  for (const sig of signatures) {
    const result = await verifyOne(sig, payload, key)
    if (result.valid) return result
    if (!worst || (!worst.valid && RANK.indexOf(result.reason) > RANK.indexOf(worst.reason)))
      worst = result
  }
  return worst ?? invalid('malformed', undefined, 'no signature could be read')
}

async function verifyOne(
  sig: unknown,
  payload: string,
  key: CryptoKey | JWK | FlattenedVerifyGetKey,
): Promise<AgentCardVerification> {
  if (
    !isRecord(sig) ||
    typeof sig['protected'] !== 'string' ||
    typeof sig['signature'] !== 'string'
  )
    return invalid('malformed', undefined, 'a signature lacks `protected` or `signature`')
  const jws = {
    protected: sig['protected'],
    signature: sig['signature'],
    ...(isRecord(sig['header']) ? { header: sig['header'] as JWSHeaderParameters } : {}),
  }
  let kid: string | undefined
  try {
    kid = decodeProtectedHeader(jws).kid
  } catch (err) {
    return invalid('malformed', undefined, `unreadable protected header: ${message(err)}`)
  }
  try {
    await verifyDetachedJws(jws, payload, key)
    return { valid: true, kid }
  } catch (err) {
    const code = isRecord(err) ? err['code'] : undefined
    if (code === 'ERR_JWKS_NO_MATCHING_KEY')
      return invalid('unknown_key', kid, `no key ${String(kid)} in the JWKS`)
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')
      return invalid('bad_signature', kid, 'the signature does not match the card')
    return invalid('malformed', kid, message(err))
  }
}

async function resolveKeys(keys: AgentCardKeys): Promise<CryptoKey | JWK | FlattenedVerifyGetKey> {
  if ('publicKey' in keys && keys.publicKey) return keys.publicKey
  if ('jwks' in keys && keys.jwks) return localJwks(keys.jwks)
  if ('jwksUrl' in keys && keys.jwksUrl) return localJwks(await fetchJwks(keys))
  throw new TypeError('@tessera/sdk: verifyAgentCard needs { jwks }, { jwksUrl } or { publicKey }')
}

function localJwks(jwks: unknown): FlattenedVerifyGetKey {
  try {
    return createLocalJWKSet(jwks as JSONWebKeySet)
  } catch (err) {
    throw new TesseraError('INVALID_JWKS', `not a JWKS: ${message(err)}`, { cause: err })
  }
}

async function fetchJwks(keys: Extract<AgentCardKeys, { jwksUrl: unknown }>): Promise<unknown> {
  const url = String(keys.jwksUrl)
  const get = keys.fetch ?? ((input, init) => globalThis.fetch(input, init))
  let res: Response
  let text: string
  try {
    res = await get(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(keys.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    })
    text = await res.text()
  } catch (err) {
    throw new NetworkError('NETWORK_ERROR', `GET ${url}: ${message(err)}`, { cause: err })
  }
  if (!res.ok) {
    throw new TesseraError('INVALID_JWKS', `GET ${url}: HTTP ${String(res.status)}`, {
      status: res.status,
    })
  }
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new TesseraError('INVALID_JWKS', `GET ${url}: not JSON`, {
      status: res.status,
      cause: err,
    })
  }
}

function invalid(
  reason: AgentCardInvalidReason,
  kid: string | undefined,
  message: string,
): AgentCardVerification {
  return { valid: false, kid, reason, message }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
