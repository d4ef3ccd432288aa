import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { base58btc } from 'multiformats/bases/base58'
import { didKeyOf } from '@tessera/crypto'
import { base64UrlOf, parseEd25519PublicKey } from './agent-key.ts'

// the did:key spec's Ed25519 test vector (w3c-ccg.github.io/did-method-key): JWK `x` and DID
const x = 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik'
const did = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'
const raw = Buffer.from(x, 'base64url')

describe('agent keys', () => {
  it('derives the did:key of the spec vector', () => {
    expect(didKeyOf(raw)).toBe(did)
  })

  it('derives the same did:key as decoding it does, for a fresh key pair', () => {
    const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' })
    const key = Buffer.from(jwk.x ?? '', 'base64url')
    const decoded = base58btc.decode(didKeyOf(key).slice('did:key:'.length))
    expect([...decoded.slice(0, 2)]).toEqual([0xed, 0x01])
    expect(Buffer.from(decoded.slice(2)).toString('base64url')).toBe(jwk.x)
  })

  it('reads base64url, base64 (padded or not) and multibase spellings of one key', () => {
    const b64 = raw.toString('base64')
    for (const spelling of [x, b64, b64.replace(/=$/, ''), did.slice(8), did, ` ${x}\n`]) {
      const parsed = parseEd25519PublicKey(spelling)
      expect(parsed && base64UrlOf(parsed), spelling).toBe(x)
    }
  })

  it('refuses anything that is not a 32-byte Ed25519 key', () => {
    const secp256k1Did = 'zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme'
    const notKeys = [
      '',
      x.slice(1),
      `${x}A`,
      // same 32 bytes, but the last character carries stray bits
      `${x.slice(0, -1)}l`,
      raw.subarray(0, 31).toString('base64url'),
      secp256k1Did,
      'z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0',
      `did:web:${x}`,
      'not a key at all',
    ]
    for (const bad of notKeys) expect(parseEd25519PublicKey(bad), bad).toBeUndefined()
  })
})
