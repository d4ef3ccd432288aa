import {
  type AgentCard as A2aCard,
  generateAgentCardSignature,
  verifyAgentCardSignature,
} from '@a2a-js/sdk'
import { exportJWK, flattenedVerify, generateKeyPair } from 'jose'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { agentCardPayload } from './agent-card-payload.ts'
import { signDetachedJws, verifyDetachedJws } from './jws.ts'

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>

const card = {
  name: 'Researcher',
  description: '',
  supportedInterfaces: [{ url: 'https://t.example/a2a/agents/agt_1', protocolBinding: 'JSONRPC' }],
  version: '1.0.0',
  capabilities: { streaming: false, pushNotifications: false, extensions: [] },
  defaultInputModes: ['application/json'],
  defaultOutputModes: ['application/json'],
  skills: [{ id: 'web:search', name: 'Web: search', tags: ['web'], examples: [] }],
  iconUrl: null,
}

let signer: KeyPair
let stranger: KeyPair
beforeAll(async () => {
  ;[signer, stranger] = await Promise.all([
    generateKeyPair('EdDSA', { crv: 'Ed25519' }),
    generateKeyPair('EdDSA', { crv: 'Ed25519' }),
  ])
})

describe('detached JWS', () => {
  const header = { alg: 'EdDSA', typ: 'JOSE', kid: 'k1' }

  it('signs a payload that travels beside it, and verifies it with the public key or JWK', async () => {
    const jws = await signDetachedJws('{"a":1}', signer.privateKey, header)
    expect(Object.keys(jws).sort()).toEqual(['protected', 'signature'])
    expect(await verifyDetachedJws(jws, '{"a":1}', signer.publicKey)).toEqual(header)
    expect(await verifyDetachedJws(jws, '{"a":1}', await exportJWK(signer.publicKey))).toEqual(
      header,
    )
  })

  it("is an ordinary JWS once the payload is put back, which jose's own verify accepts", async () => {
    const jws = await signDetachedJws('{"a":1}', signer.privateKey, header)
    const attached = { ...jws, payload: Buffer.from('{"a":1}').toString('base64url') }
    const { payload } = await flattenedVerify(attached, signer.publicKey)
    expect(new TextDecoder().decode(payload)).toBe('{"a":1}')
  })

  it('refuses another payload or another key', async () => {
    const jws = await signDetachedJws('{"a":1}', signer.privateKey, header)
    const failed = { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' }
    await expect(verifyDetachedJws(jws, '{"a":2}', signer.publicKey)).rejects.toMatchObject(failed)
    await expect(verifyDetachedJws(jws, '{"a":1}', stranger.publicKey)).rejects.toMatchObject(
      failed,
    )
  })

  it('agrees with the A2A SDK on agent cards, signed here and verified there, and back', async () => {
    const signature = await signDetachedJws(agentCardPayload(card), signer.privateKey, header)
    const ours = { ...card, signatures: [signature] }
    vi.spyOn(console, 'debug').mockImplementation(() => undefined) // its log of a failed entry
    const verify = verifyAgentCardSignature(() => Promise.resolve(signer.publicKey))
    await expect(verify(ours as unknown as A2aCard)).resolves.toBeUndefined()
    await expect(verify({ ...ours, name: 'Other' } as unknown as A2aCard)).rejects.toThrow()
    vi.restoreAllMocks()

    const es256 = await generateKeyPair('ES256')
    const theirs = await generateAgentCardSignature(es256.privateKey, {
      alg: 'ES256',
      kid: 'k2',
      typ: 'JOSE',
    })(card as unknown as A2aCard)
    const [sig] = theirs.signatures ?? []
    const jws = { protected: sig?.protected ?? '', signature: sig?.signature ?? '' }
    expect(await verifyDetachedJws(jws, agentCardPayload(theirs), es256.publicKey)).toMatchObject({
      kid: 'k2',
    })
  })
})
