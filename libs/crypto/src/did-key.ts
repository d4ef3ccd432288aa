import { base58btc } from 'multiformats/bases/base58'

/** The multicodec prefix of an Ed25519 public key (`ed25519-pub`, varint 0xed). */
const ED25519_PUB = [0xed, 0x01] as const
const KEY_BYTES = 32
const PREFIX = 'did:key:'

/** `did:key:z6Mk…`: base58btc multibase of the Ed25519 multicodec prefix and the raw key. */
export function didKeyOf(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== KEY_BYTES) {
    throw new TypeError(`an Ed25519 public key is ${KEY_BYTES} bytes`)
  }
  return `${PREFIX}${base58btc.encode(Uint8Array.from([...ED25519_PUB, ...publicKey]))}`
}

/**
 * The 32-byte Ed25519 public key a `did:key` names; undefined for anything else (another DID
 * method, another key type, a bad multibase or a wrong length).
 */
export function publicKeyOfDidKey(did: string): Uint8Array | undefined {
  if (!did.startsWith(PREFIX)) return undefined
  let bytes: Uint8Array
  try {
    bytes = base58btc.decode(did.slice(PREFIX.length))
  } catch {
    return undefined
  }
  const [a, b] = ED25519_PUB
  if (bytes.length !== KEY_BYTES + 2 || bytes[0] !== a || bytes[1] !== b) return undefined
  return bytes.slice(2)
}
