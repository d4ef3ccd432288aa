import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  type CryptoKey,
  FlattenedSign,
  type JWK,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
} from 'jose'
import {
  type AgentCard as A2aCard,
  generateAgentCardSignature,
  verifyAgentCardSignature,
} from '@a2a-js/sdk'
import {
  type AgentCard,
  NetworkError,
  TesseraClient,
  TesseraError,
  agentCardPayload,
  verifyAgentCard,
} from './index.ts'
import { FakeGuardian } from './testing/fake-guardian.ts'

interface Signer {
  privateKey: CryptoKey
  publicKey: CryptoKey
  jwk: JWK & { kid: string }
}

async function newSigner(): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
  const jwk = await exportJWK(publicKey)
  return { privateKey, publicKey, jwk: { ...jwk, kid: await calculateJwkThumbprint(jwk) } }
}

/** Signs as guardian does: flattened JWS over the canonical payload, payload detached. */
async function sign(card: AgentCard, by: Signer, kid = by.jwk.kid): Promise<AgentCard> {
  const jws = await new FlattenedSign(new TextEncoder().encode(agentCardPayload(card)))
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JOSE', kid })
    .sign(by.privateKey)
  return { ...card, signatures: [{ protected: jws.protected ?? '', signature: jws.signature }] }
}

const card: AgentCard = {
  name: 'Researcher',
  description: 'Finds papers.',
  supportedInterfaces: [
    {
      url: 'https://t.example/a2a/agents/agt_1',
      protocolBinding: 'JSONRPC',
      protocolVersion: '1.0',
    },
  ],
  version: '1.0.0',
  capabilities: {
    streaming: false,
    pushNotifications: false,
    extensions: [
      {
        uri: 'https://tessera.dev/a2a/ext/trust/v1',
        params: { handle: 'A-1a2b3c4d', did: 'did:key:z6Mkabc' },
      },
    ],
  },
  securitySchemes: { t: { httpAuthSecurityScheme: { scheme: 'Bearer' } } },
  defaultInputModes: ['application/json'],
  defaultOutputModes: ['application/json'],
  skills: [{ id: 'web:search', name: 'Web: search', description: 'Searches.', tags: ['web'] }],
}

let guardian: Signer
let stranger: Signer
let fake: FakeGuardian

beforeAll(async () => {
  ;[guardian, stranger] = await Promise.all([newSigner(), newSigner()])
  fake = await FakeGuardian.start()
})
afterAll(() => fake.stop())

describe('verifyAgentCard', () => {
  it("accepts a card signed by a key of the JWKS, the key itself, or the JWKS's URL", async () => {
    const signed = await sign(card, guardian)
    const jwks = { keys: [stranger.jwk, guardian.jwk] }
    const kid = guardian.jwk.kid
    expect(await verifyAgentCard(signed, { jwks })).toEqual({ valid: true, kid })
    expect(await verifyAgentCard(signed, { publicKey: guardian.publicKey })).toMatchObject({
      valid: true,
    })
    expect(await verifyAgentCard(signed, { publicKey: guardian.jwk })).toMatchObject({
      valid: true,
    })
    fake.reply({ status: 200, body: jwks })
    const byUrl = await verifyAgentCard(signed, { jwksUrl: `${fake.url}/a2a/jwks.json` })
    expect(byUrl).toEqual({ valid: true, kid })
    expect(fake.last.url).toBe('/a2a/jwks.json')
  })

  it('refuses a card changed after signing, at any depth', async () => {
    const signed = await sign(card, guardian)
    const jwks = { keys: [guardian.jwk] }
    const tampered: AgentCard[] = [
      { ...signed, name: 'Researcher2' },
      { ...signed, version: '1.0.1' },
      { ...signed, defaultOutputModes: ['text/plain'] },
      { ...signed, skills: [{ ...card.skills[0]!, id: 'files:write' }] },
      { ...signed, capabilities: { ...card.capabilities, streaming: true } },
      {
        ...signed,
        capabilities: {
          ...card.capabilities,
          extensions: [{ uri: 'https://tessera.dev/a2a/ext/trust/v1', params: { handle: 'A-x' } }],
        },
      },
      { ...signed, iconUrl: 'https://evil.example/x.png' } as AgentCard,
    ]
    for (const t of tampered) {
      expect(await verifyAgentCard(t, { jwks })).toMatchObject({
        valid: false,
        reason: 'bad_signature',
      })
    }
  })

  it('refuses a card signed by another key, whatever kid it claims', async () => {
    const jwks = { keys: [guardian.jwk] }
    const own = await sign(card, stranger)
    expect(await verifyAgentCard(own, { jwks })).toMatchObject({
      valid: false,
      reason: 'unknown_key',
      kid: stranger.jwk.kid,
    })
    const forged = await sign(card, stranger, guardian.jwk.kid)
    expect(await verifyAgentCard(forged, { jwks })).toMatchObject({
      valid: false,
      reason: 'bad_signature',
    })
    expect(await verifyAgentCard(own, { publicKey: guardian.publicKey })).toMatchObject({
      valid: false,
      reason: 'bad_signature',
    })
  })

  it('is valid when any one signature is, and says why when none is', async () => {
    const good = await sign(card, guardian)
    const bad = await sign(card, stranger)
    const both = { ...card, signatures: [...bad.signatures!, ...good.signatures!] }
    expect(await verifyAgentCard(both, { jwks: { keys: [guardian.jwk] } })).toMatchObject({
      valid: true,
    })
    const keys = { publicKey: guardian.publicKey }
    expect(await verifyAgentCard(card, keys)).toMatchObject({ valid: false, reason: 'unsigned' })
    expect(await verifyAgentCard('nope', keys)).toMatchObject({ valid: false, reason: 'unsigned' })
    const garbled = { ...card, signatures: [{ protected: '!!', signature: 'x' }] }
    expect(await verifyAgentCard(garbled, keys)).toMatchObject({
      valid: false,
      reason: 'malformed',
    })
  })

  it('calls a card that has no canonical form malformed, rather than throwing', async () => {
    const signed = await sign(card, guardian)
    const loneSurrogate = { ...signed, description: 'Finds papers.\ud800' }
    expect(await verifyAgentCard(loneSurrogate, { publicKey: guardian.publicKey })).toMatchObject({
      valid: false,
      reason: 'malformed',
    })
  })

  it('agrees with the A2A SDK both ways', async () => {
    // a card the A2A SDK signs (ES256), we verify; a card we sign, the A2A SDK verifies
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const theirs = await generateAgentCardSignature(privateKey, {
      alg: 'ES256',
      kid: 'k1',
      typ: 'JOSE',
    })(card as unknown as A2aCard)
    expect(await verifyAgentCard(theirs, { publicKey })).toEqual({ valid: true, kid: 'k1' })
    const ours = await sign(card, guardian)
    vi.spyOn(console, 'debug').mockImplementation(() => undefined) // its log of a failed entry
    const verify = verifyAgentCardSignature(() => Promise.resolve(guardian.publicKey))
    await expect(verify(ours as unknown as A2aCard)).resolves.toBeUndefined()
    const changed = { ...ours, description: 'Forges papers.' }
    await expect(verify(changed as unknown as A2aCard)).rejects.toThrow()
    vi.restoreAllMocks()
  })

  it('throws when it cannot decide: no keys, an unreachable JWKS or not a JWKS', async () => {
    const signed = await sign(card, guardian)
    await expect(verifyAgentCard(signed, {} as never)).rejects.toThrow(TypeError)
    fake.reply('destroy')
    await expect(verifyAgentCard(signed, { jwksUrl: fake.url })).rejects.toThrow(NetworkError)
    fake.reply({ status: 500, body: {} })
    await expect(verifyAgentCard(signed, { jwksUrl: fake.url })).rejects.toMatchObject({
      code: 'INVALID_JWKS',
      status: 500,
    })
    fake.reply({ status: 200, raw: '<html>' })
    const err: unknown = await verifyAgentCard(signed, { jwksUrl: fake.url }).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(TesseraError)
    expect(err).toMatchObject({ code: 'INVALID_JWKS' })
  })
})

describe('client.agentCards', () => {
  it('calls the card routes, and getPublic needs no more than the URL', async () => {
    const client = new TesseraClient({ baseUrl: fake.url, apiKey: 'k' })
    fake.reply({ status: 200, body: card }, { status: 200, body: {} }, { status: 200, body: card })
    await client.agentCards.generate('agt_1', { version: '2.0.0' })
    expect(fake.last).toMatchObject({ method: 'POST', url: '/v1/agents/agt_1/card' })
    expect(JSON.parse(fake.last.body)).toEqual({ version: '2.0.0' })
    await client.agentCards.publish('agt/1')
    expect(fake.last).toMatchObject({ method: 'POST', url: '/v1/agents/agt%2F1/card/publish' })
    expect(await client.agentCards.getPublic('agt_1')).toEqual(card)
    expect(fake.last).toMatchObject({ method: 'GET', url: '/a2a/agents/agt_1/agent-card.json' })
  })
})
