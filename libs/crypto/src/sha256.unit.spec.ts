import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nodeSha256Hex, portableSha256Hex, sha256Hex } from './sha256.ts'

describe('sha256Hex', () => {
  it('gives the FIPS 180-2 digests of "abc" and of nothing, on Node and off it', () => {
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    for (const hash of [sha256Hex, portableSha256Hex]) {
      expect(hash('abc')).toBe(abc)
      expect(hash(new TextEncoder().encode('abc'))).toBe(abc)
      expect(hash('')).toBe(empty)
    }
  })

  it('uses Node when there is one, and both hash any text or bytes alike', () => {
    expect(sha256Hex).toBe(nodeSha256Hex)
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.uint8Array()), (data) => {
        expect(portableSha256Hex(data)).toBe(nodeSha256Hex!(data))
        expect(portableSha256Hex(data)).toBe(
          Buffer.from(
            nobleSha256(typeof data === 'string' ? Buffer.from(data, 'utf8') : data),
          ).toString('hex'),
        )
      }),
    )
  })
})
