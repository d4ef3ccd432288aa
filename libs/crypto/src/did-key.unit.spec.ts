import { base58btc } from 'multiformats/bases/base58'
import { describe, expect, it } from 'vitest'
import { didKeyOf, publicKeyOfDidKey } from './did-key.ts'
import { ed25519PublicKeyOf } from './ed25519.ts'

/**
 * The did:key spec's Ed25519 test vectors (w3c-ccg/did-method-key,
 * test-vectors/ed25519-x25519.json): the RFC 8032 seed, the public key as `publicKeyBase58`, and
 * the DID.
 */
const DID_KEY_VECTORS = [
  {
    seed: '0000000000000000000000000000000000000000000000000000000000000000',
    publicKeyBase58: '4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS',
    did: 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp',
  },
  {
    seed: '0000000000000000000000000000000000000000000000000000000000000001',
    publicKeyBase58: '6ASf5EcmmEHTgDJ4X4ZT5vT6iHVJBXPg5AN5YoTCpGWt',
    did: 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG',
  },
  {
    seed: '0000000000000000000000000000000000000000000000000000000000000002',
    publicKeyBase58: '8pM1DN3RiT8vbom5u1sNryaNT1nyL8CTTW3b5PwWXRBH',
    did: 'did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf',
  },
  {
    seed: '0000000000000000000000000000000000000000000000000000000000000003',
    publicKeyBase58: 'HPYVwAQmskwT1qEEeRzhoomyfyupJGASQQtCXSNG8XS2',
    did: 'did:key:z6MkvqoYXQfDDJRv8L4wKzxYeuKyVZBfi9Qo6Ro8MiLH3kDQ',
  },
  {
    seed: '0000000000000000000000000000000000000000000000000000000000000004',
    publicKeyBase58: 'J3qYF7YJMKCqQke47UQwiHizgFUXapHxRxKmxbkar89x',
    did: 'did:key:z6MkwW6aqMnjgrhJXFUko3NnZPGzVpkNzhYK7yEhnsibmLwL',
  },
] as const

describe('did:key', () => {
  it.each(DID_KEY_VECTORS)('encodes and decodes the spec vector $did', (v) => {
    const publicKey = base58btc.baseDecode(v.publicKeyBase58)
    expect(didKeyOf(publicKey)).toBe(v.did)
    expect(publicKeyOfDidKey(v.did)).toEqual(publicKey)
    // and the seed derives that key: the DID is the one its holder can sign for
    expect(didKeyOf(ed25519PublicKeyOf(Buffer.from(v.seed, 'hex')))).toBe(v.did)
  })

  it('decodes only an Ed25519 did:key', () => {
    const [first] = DID_KEY_VECTORS
    const notEd25519 = [
      first.did.slice('did:key:'.length), // no method prefix
      `did:web:${first.did.slice('did:key:'.length)}`,
      'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme', // secp256k1
      'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0', // '0' is not base58
      `did:key:${base58btc.encode(Uint8Array.from([0xed, 0x01, 1, 2, 3]))}`, // too short
      `did:key:u${Buffer.from([0xed, 0x01, ...new Uint8Array(32)]).toString('base64url')}`,
      '',
    ]
    for (const did of notEd25519) expect(publicKeyOfDidKey(did), did).toBeUndefined()
  })

  it('refuses to encode what is not a 32-byte key', () => {
    expect(() => didKeyOf(new Uint8Array(31))).toThrow(TypeError)
  })
})
