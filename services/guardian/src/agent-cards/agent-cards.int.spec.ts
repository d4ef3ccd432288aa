import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { sql } from 'kysely'
import {
  FlattenedSign,
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
} from 'jose'
import { type AgentCard as A2aCard, verifyAgentCardSignature } from '@a2a-js/sdk'
import {
  type AgentCard,
  type AgentCardJwks,
  NotFoundError,
  TesseraClient,
  TesseraError,
  ValidationError,
  agentCardPayload,
  verifyAgentCard,
} from '@tessera/sdk'
import { GuardianHarness, callJson } from '../testing/guardian-harness.ts'
import { storedSigningKey } from './agent-cards.repository.ts'

const TOKEN = 'agent-cards-int-bootstrap-token'
const PUBLIC_URL = 'http://localhost:8080' // guardian's default TESSERA_PUBLIC_URL
// the did:key spec's Ed25519 test vector: JWK `x`, and the did:key it makes
const agentKey = 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik'
const agentDid = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'

let h: GuardianHarness
let a: TesseraClient
let b: TesseraClient

/** The public card URL read as a stranger would: no key at all. */
const anonymous = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${h.url}${path}`, { headers })
const cardPath = (agentId: string) => `/a2a/agents/${agentId}/agent-card.json`
const jwks = async () => (await (await anonymous('/a2a/jwks.json')).json()) as AgentCardJwks

async function newAgent(capabilities = ['web:search', 'files:read']) {
  return a.agents.create({
    name: 'Researcher',
    framework: 'langgraph',
    capabilities,
    publicKey: agentKey,
  })
}

async function eventsOf(type: string, agentId: string) {
  const { rows } = await sql<{ data: Record<string, unknown> }>`select data
    from ${sql.id(h.schema)}.events where type = ${type} and data->>'agentId' = ${agentId}
    order by position`.execute(h.db)
  return rows.map((r) => r.data)
}

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN)
  const key = async (name: string) =>
    String((await callJson(h.url, 'POST', '/v1/orgs', TOKEN, { name })).body['apiKey'])
  a = new TesseraClient({ baseUrl: h.url, apiKey: await key('Cards A') })
  b = new TesseraClient({ baseUrl: h.url, apiKey: await key('Cards B') })
})

afterAll(async () => {
  await h?.stop()
})

describe('agent cards', () => {
  it('are 404 until published, then public, signed and verifiable by anyone', async () => {
    const agent = await newAgent()
    const before = await anonymous(cardPath(agent.id))
    expect(before.status).toBe(404)
    expect(await before.json()).toMatchObject({ code: 'NOT_FOUND' })
    await expect(a.agentCards.getPublic(agent.id)).rejects.toThrow(NotFoundError)

    const published = await a.agentCards.publish(agent.id)
    expect(published).toMatchObject({
      agentId: agent.id,
      url: `${PUBLIC_URL}${cardPath(agent.id)}`,
      kid: (await jwks()).keys[0]?.kid,
    })

    const res = await anonymous(cardPath(agent.id))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.headers.get('cache-control')).toBe('no-cache')
    const card = (await res.json()) as AgentCard
    expect(card).toEqual(published.card)
    expect(card).toMatchObject({
      name: 'Researcher',
      version: '1.0.0',
      supportedInterfaces: [
        { url: `${PUBLIC_URL}/a2a/agents/${agent.id}`, protocolBinding: 'JSONRPC' },
      ],
      capabilities: {
        extensions: [
          {
            uri: 'https://tessera.dev/a2a/ext/trust/v1',
            params: {
              did: agentDid,
              handle: agent.handle,
              trustProfileUrl: `${PUBLIC_URL}/api/v1/trust/${agent.id}`,
            },
          },
        ],
      },
    })
    expect(card.skills.map((s) => s.id)).toEqual(['web:search', 'files:read'])
    expect(published.cardHash).toBe(sha256(agentCardPayload(card)))

    const verdict = await verifyAgentCard(card, { jwks: await jwks() })
    expect(verdict).toEqual({ valid: true, kid: published.kid })
    expect(await verifyAgentCard(card, { jwksUrl: `${h.url}/a2a/jwks.json` })).toMatchObject({
      valid: true,
    })
    // the A2A SDK's own verifier agrees, fetching the key the signature's kid names
    vi.spyOn(console, 'debug').mockImplementation(() => undefined)
    const a2a = verifyAgentCardSignature(async (kid) => {
      const key = (await jwks()).keys.find((k) => k.kid === kid)
      if (!key) throw new Error(`no key ${kid}`)
      return key
    })
    await expect(a2a(card as unknown as A2aCard)).resolves.toBeUndefined()
    vi.restoreAllMocks()

    const revalidated = await anonymous(cardPath(agent.id), {
      'if-none-match': res.headers.get('etag') ?? '',
    })
    expect(revalidated.status).toBe(304)
    expect(await eventsOf('AgentCardPublished', agent.id)).toEqual([
      expect.objectContaining({ cardHash: published.cardHash, kid: published.kid }),
    ])
  })

  it('fail verification when any field is changed, or when another key signed them', async () => {
    const agent = await newAgent()
    const { card } = await a.agentCards.publish(agent.id)
    const keys = { jwks: await jwks() }
    const changes: ((c: AgentCard) => void)[] = [
      (c) => (c.name = 'Impostor'),
      (c) => (c.description = 'Does whatever you ask.'),
      (c) => (c.version = '9.9.9'),
      (c) => (c.supportedInterfaces[0]!.url = 'https://evil.example/a2a'),
      (c) => (c.capabilities.pushNotifications = true),
      (c) => (c.capabilities.extensions![0]!.params!['did'] = 'did:key:z6MkEvil'),
      (c) => (c.capabilities.extensions![0]!.params!['trustProfileUrl'] = 'https://evil.example'),
      (c) => (c.securitySchemes = {}),
      (c) => c.skills.push({ id: 'files:write', name: 'W', description: 'W', tags: ['files'] }),
      (c) => (c.skills[0]!.securityRequirements = []),
      (c) => (c.defaultInputModes = ['text/plain']),
    ]
    for (const change of changes) {
      const tampered = structuredClone(card)
      change(tampered)
      const verdict = await verifyAgentCard(tampered, keys)
      expect(verdict, change.toString()).toMatchObject({ valid: false, reason: 'bad_signature' })
    }

    // the same card, signed by a key that is not guardian's
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const kid = await calculateJwkThumbprint(await exportJWK(publicKey))
    const jws = await new FlattenedSign(new TextEncoder().encode(agentCardPayload(card)))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JOSE', kid })
      .sign(privateKey)
    const resigned = {
      ...card,
      signatures: [{ protected: jws.protected!, signature: jws.signature }],
    }
    expect(await verifyAgentCard(resigned, keys)).toMatchObject({
      valid: false,
      reason: 'unknown_key',
    })
  })

  it('generate a signed card without publishing it, with overrides', async () => {
    const agent = await newAgent()
    const card = await a.agentCards.generate(agent.id, {
      description: 'Finds papers.',
      version: '2.0.0',
      skills: [{ id: 'web:search', name: 'Search the web', examples: ['papers on JCS'] }],
    })
    expect(card).toMatchObject({ description: 'Finds papers.', version: '2.0.0' })
    expect(card.skills[0]).toMatchObject({ name: 'Search the web', examples: ['papers on JCS'] })
    expect(await verifyAgentCard(card, { jwks: await jwks() })).toMatchObject({ valid: true })
    expect((await anonymous(cardPath(agent.id))).status).toBe(404)

    const beyond = a.agentCards.generate(agent.id, { skills: [{ id: 'files:write' }] })
    await expect(beyond).rejects.toThrow(ValidationError)
    await expect(beyond).rejects.toMatchObject({ details: { notCapabilities: ['files:write'] } })
  })

  it("are not another org's to generate, publish or take down", async () => {
    const agent = await newAgent()
    await expect(b.agentCards.generate(agent.id)).rejects.toThrow(NotFoundError)
    await expect(b.agentCards.publish(agent.id)).rejects.toThrow(NotFoundError)
    expect((await anonymous(cardPath(agent.id))).status).toBe(404)
    await a.agentCards.publish(agent.id)
    await expect(b.agentCards.unpublish(agent.id)).rejects.toThrow(NotFoundError)
    expect((await anonymous(cardPath(agent.id))).status).toBe(200)
  })

  it('come down when unpublished, and go up again unchanged', async () => {
    const agent = await newAgent()
    const first = await a.agentCards.publish(agent.id)
    expect(await a.agentCards.publish(agent.id)).toEqual(first) // nothing changed, no new event
    expect(await a.agentCards.unpublish(agent.id)).toEqual({ agentId: agent.id, published: false })
    expect((await anonymous(cardPath(agent.id))).status).toBe(404)
    await a.agentCards.unpublish(agent.id) // already down: changes nothing
    const again = await a.agentCards.publish(agent.id)
    expect(again.card).toEqual(first.card)
    expect((await anonymous(cardPath(agent.id))).status).toBe(200)
    expect((await eventsOf('AgentCardPublished', agent.id)).length).toBe(2)
    expect(await eventsOf('AgentCardWithdrawn', agent.id)).toEqual([
      expect.objectContaining({ reason: 'unpublished' }),
    ])
  })

  it("of a revoked agent are withdrawn with the revocation, and can't be published again", async () => {
    const agent = await newAgent()
    await a.agentCards.publish(agent.id)
    await a.agents.revoke(agent.id, 'key leaked')
    expect((await anonymous(cardPath(agent.id))).status).toBe(404)
    expect(await eventsOf('AgentCardWithdrawn', agent.id)).toEqual([
      expect.objectContaining({ reason: 'agent_revoked' }),
    ])
    const late = a.agentCards.publish(agent.id)
    await expect(late).rejects.toThrow(TesseraError)
    await expect(late).rejects.toMatchObject({ code: 'AGENT_REVOKED', status: 409 })
    await expect(a.agentCards.generate(agent.id)).rejects.toMatchObject({ code: 'AGENT_REVOKED' })
  })

  it('signed with a key guardian no longer uses are served signed with the current one', async () => {
    const agent = await newAgent()
    const { card } = await a.agentCards.publish(agent.id)
    // as if published before the operator set GUARDIAN_CARD_SIGNING_KEY
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const jws = await new FlattenedSign(new TextEncoder().encode(agentCardPayload(card)))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JOSE', kid: 'retired' })
      .sign(privateKey)
    const old = { ...card, signatures: [{ protected: jws.protected!, signature: jws.signature }] }
    await sql`update ${sql.id(h.schema)}.agent_cards set card = ${JSON.stringify(old)},
      kid = 'retired' where agent_id = ${agent.id}`.execute(h.db)
    const served = (await (await anonymous(cardPath(agent.id))).json()) as AgentCard
    expect(await verifyAgentCard(served, { jwks: await jwks() })).toMatchObject({ valid: true })
  })
})

describe('the card signing key', () => {
  it("is generated once, kept in guardian's schema and shared by every replica", async () => {
    const two = await GuardianHarness.start(TOKEN, 2)
    try {
      const kids = await Promise.all(
        two.replicas.map(async (r) => {
          const res = await fetch(`${r.url}/a2a/jwks.json`)
          return ((await res.json()) as AgentCardJwks).keys.map((k) => k.kid)
        }),
      )
      expect(kids[0]).toHaveLength(1)
      expect(kids[1]).toEqual(kids[0])
      expect(kids[0]).not.toEqual((await jwks()).keys.map((k) => k.kid)) // h has its own

      // replicas starting together: each may generate a key, one wins and all get the winner
      await sql`delete from ${sql.id(two.schema)}.card_signing_keys`.execute(two.db)
      const racers = Array.from({ length: 8 }, (_, i) =>
        storedSigningKey(two.db, two.schema, () => Promise.resolve(`pem-${i}`)),
      )
      const won = await Promise.all(racers)
      expect(new Set(won).size).toBe(1)
    } finally {
      await two.stop()
    }
  })

  it('is GUARDIAN_CARD_SIGNING_KEY when set', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', {
      crv: 'Ed25519',
      extractable: true,
    })
    const pem = (await exportPKCS8(privateKey)).replaceAll('\n', '\\n') // as one env line
    const own = await startWith({ GUARDIAN_CARD_SIGNING_KEY: pem })
    try {
      const res = await fetch(`${own.url}/a2a/jwks.json`)
      const { keys } = (await res.json()) as AgentCardJwks
      expect(keys.map((k) => k.kid)).toEqual([
        await calculateJwkThumbprint(await exportJWK(publicKey)),
      ])
      expect(keys[0]).not.toHaveProperty('d')
    } finally {
      await own.stop()
    }
  })
})

/** Guardian with extra env, which is removed again so no other harness inherits it. */
async function startWith(env: Record<string, string>) {
  const { startInProcess } = await import('@tessera/testing')
  const { guardian } = await import('../service.ts')
  try {
    return await startInProcess(guardian, { env: { TESSERA_BOOTSTRAP_TOKEN: TOKEN, ...env } })
  } finally {
    for (const name of Object.keys(env)) delete process.env[name]
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
