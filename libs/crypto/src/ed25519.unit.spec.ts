import {
  createPrivateKey,
  createPublicKey,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  ed25519PublicKeyOf,
  generateEd25519KeyPair,
  portableVerifyHash,
  signHash,
  verifyHash,
} from './ed25519.ts'
import { sha256Hex } from './sha256.ts'

const hash = sha256Hex('{"pact":"p_1","price":500}')
const other = sha256Hex('{"pact":"p_1","price":501}')

/** Node's own (OpenSSL) Ed25519 keys for the same seed: a second implementation to agree with. */
function nodeKeys(secretKey: Uint8Array) {
  // RFC 8410's PKCS #8 wrapping of a raw Ed25519 seed
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), secretKey])
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
  return { privateKey, publicKey: createPublicKey(privateKey) }
}

describe('Ed25519 over a hash', () => {
  it('signs the 32 hash bytes, as lowercase hex, and verifies it', () => {
    const { secretKey, publicKey } = generateEd25519KeyPair()
    expect(ed25519PublicKeyOf(secretKey)).toEqual(publicKey)
    const signature = signHash(hash, secretKey)
    expect(signature).toMatch(/^[0-9a-f]{128}$/)
    expect(verifyHash(hash, signature, publicKey)).toBe(true)
  })

  it('refuses another hash, another key, or a changed signature', () => {
    const signer = generateEd25519KeyPair()
    const stranger = generateEd25519KeyPair()
    const signature = signHash(hash, signer.secretKey)
    const flipped = `${signature.slice(0, 10)}${signature[10] === '0' ? '1' : '0'}${signature.slice(11)}`
    expect(verifyHash(other, signature, signer.publicKey)).toBe(false)
    expect(verifyHash(hash, signature, stranger.publicKey)).toBe(false)
    expect(verifyHash(hash, flipped, signer.publicKey)).toBe(false)
  })

  it('answers false, never throws, for anything malformed', () => {
    const { secretKey, publicKey } = generateEd25519KeyPair()
    const signature = signHash(hash, secretKey)
    expect(verifyHash(hash.toUpperCase(), signature, publicKey)).toBe(false)
    expect(verifyHash(hash, signature.slice(2), publicKey)).toBe(false)
    expect(verifyHash(hash, `${signature.slice(2)}zz`, publicKey)).toBe(false)
    expect(verifyHash(hash, signature, publicKey.subarray(1))).toBe(false)
    expect(verifyHash(hash, signature, new Uint8Array(32).fill(0xff))).toBe(false) // not a point
    expect(verifyHash(hash, signature, 'did:key:z6Mk' as never)).toBe(false)
  })

  it('signs only a SHA-256 hex digest, with a 32-byte seed', () => {
    const { secretKey } = generateEd25519KeyPair()
    for (const notHash of ['', 'abc', hash.toUpperCase(), `${hash}00`]) {
      expect(() => signHash(notHash, secretKey), notHash).toThrow(TypeError)
    }
    expect(() => signHash(hash, secretKey.subarray(1))).toThrow(TypeError)
  })

  it("agrees with Node's Ed25519 both ways: signed here, verified there, and back", () => {
    const { secretKey, publicKey } = generateEd25519KeyPair()
    const node = nodeKeys(secretKey)
    const bytes = Buffer.from(hash, 'hex')
    const ours = signHash(hash, secretKey)
    expect(nodeVerify(null, bytes, node.publicKey, Buffer.from(ours, 'hex'))).toBe(true)
    const theirs = nodeSign(null, bytes, node.privateKey).toString('hex')
    expect(verifyHash(hash, theirs, publicKey)).toBe(true)
    // Ed25519 is deterministic: one seed and one message give one signature
    expect(theirs).toBe(ours)
    expect(node.publicKey.export({ format: 'jwk' }).x).toBe(
      Buffer.from(publicKey).toString('base64url'),
    )
  })

  it("Node's verification (used on Node) and noble's portable one give the same answer", () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.constantFrom('valid', 'random key', 'random signature', 'S + L', 'flipped bit'),
        (seed, hashBytes, noise, kind) => {
          const h = hex(hashBytes)
          let key = ed25519PublicKeyOf(seed)
          let sig = signHash(h, seed)
          if (kind === 'random key') key = noise.subarray(0, 32)
          if (kind === 'random signature') sig = hex(noise)
          if (kind === 'flipped bit') sig = hex(noise.subarray(0, 1)) + sig.slice(2)
          if (kind === 'S + L') {
            // the same signature with a non-canonical S: RFC 8032 refuses it
            const s = BigInt('0x' + Buffer.from(sig.slice(64), 'hex').reverse().toString('hex')) + L
            if (s < 2n ** 256n) {
              const le = Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse()
              sig = sig.slice(0, 64) + le.toString('hex')
            }
          }
          const expected = portableVerifyHash(h, sig, key)
          expect(verifyHash(h, sig, key)).toBe(expected)
          if (kind === 'valid') expect(expected).toBe(true)
          if (kind === 'S + L') expect(expected).toBe(false)
        },
      ),
      { numRuns: 300 },
    )
  })
})
