import { describe, expect, it } from 'vitest'
import {
  canonicalJson,
  didKeyOf,
  generateEd25519KeyPair,
  publicKeyOfDidKey,
  sha256Hex,
  signHash,
  verifyHash,
} from './index.ts'

describe('the README', () => {
  it('signs a document over its hash, and checks it by the signer’s did:key', () => {
    const { secretKey, publicKey } = generateEd25519KeyPair()
    const buyerDid = didKeyOf(publicKey)
    const pactHash = sha256Hex(canonicalJson({ scope: 'summarise 10 papers', priceUsdc: 25 }))
    const signature = signHash(pactHash, secretKey)

    const key = publicKeyOfDidKey(buyerDid)
    expect(buyerDid).toMatch(/^did:key:z6Mk/)
    expect(verifyHash(pactHash, signature, key!)).toBe(true)
    // member order does not change the hash
    expect(sha256Hex(canonicalJson({ priceUsdc: 25, scope: 'summarise 10 papers' }))).toBe(pactHash)
  })
})
