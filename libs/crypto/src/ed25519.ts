import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'

// noble's synchronous API needs a SHA-512; this is the one it documents.
ed.hashes.sha512 = sha512

/** An Ed25519 key pair: the 32-byte RFC 8032 secret seed and the 32-byte public key. */
export interface Ed25519KeyPair {
  secretKey: Uint8Array
  publicKey: Uint8Array
}

const HASH_HEX = /^[0-9a-f]{64}$/
const SIGNATURE_HEX = /^[0-9a-f]{128}$/
const KEY_BYTES = 32

/** A fresh key pair from the platform's secure random source. */
export function generateEd25519KeyPair(): Ed25519KeyPair {
  const { secretKey, publicKey } = ed.keygen()
  return { secretKey, publicKey }
}

/** The public key of a 32-byte secret seed. */
export function ed25519PublicKeyOf(secretKey: Uint8Array): Uint8Array {
  return ed.getPublicKey(checkKey(secretKey, 'secret key'))
}

/**
 * Signs a SHA-256 hash (64 lowercase hex digits, as `sha256Hex` writes it): Ed25519 over its
 * 32 bytes, returned as 128 lowercase hex digits. Throws a TypeError for a malformed hash or key.
 */
export function signHash(hashHex: string, secretKey: Uint8Array): string {
  if (!HASH_HEX.test(hashHex)) {
    throw new TypeError('signHash needs a SHA-256 as 64 lowercase hex digits')
  }
  return bytesToHex(ed.sign(hexToBytes(hashHex), checkKey(secretKey, 'secret key')))
}

/**
 * Whether `signatureHex` is `publicKey`'s Ed25519 signature of the hash's 32 bytes. False, never
 * an exception, for anything malformed: the inputs are usually someone else's. Verification is
 * RFC 8032's strict one (not ZIP 215), as Node, WebCrypto and jose verify. On Node it is
 * OpenSSL's (about twenty times faster than the portable code: pacts verify two signatures per
 * registration); elsewhere noble's, {@link portableVerifyHash}. A property test keeps them equal.
 */
export function verifyHash(hashHex: string, signatureHex: string, publicKey: Uint8Array): boolean {
  if (!nodeCrypto) return portableVerifyHash(hashHex, signatureHex, publicKey)
  if (!HASH_HEX.test(hashHex) || !SIGNATURE_HEX.test(signatureHex)) return false
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== KEY_BYTES) return false
  try {
    const x = Buffer.from(publicKey).toString('base64url')
    const key = nodeCrypto.createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x },
      format: 'jwk',
    })
    return nodeCrypto.verify(
      null,
      Buffer.from(hashHex, 'hex'),
      key,
      Buffer.from(signatureHex, 'hex'),
    )
  } catch {
    return false // a public key that is not a curve point
  }
}

/** {@link verifyHash} with noble's portable code: what runs where there is no Node. */
export function portableVerifyHash(
  hashHex: string,
  signatureHex: string,
  publicKey: Uint8Array,
): boolean {
  if (!HASH_HEX.test(hashHex) || !SIGNATURE_HEX.test(signatureHex)) return false
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== KEY_BYTES) return false
  try {
    return ed.verify(hexToBytes(signatureHex), hexToBytes(hashHex), publicKey, { zip215: false })
  } catch {
    return false // a public key that is not a curve point
  }
}

// Loaded through getBuiltinModule, as sha256.ts loads it, so a browser bundle never meets
// `node:crypto`.
const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto')

function checkKey(key: Uint8Array, what: string): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new TypeError(`an Ed25519 ${what} is ${KEY_BYTES} bytes`)
  }
  return key
}
