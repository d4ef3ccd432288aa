import { createHash } from 'node:crypto'
import { exportPKCS8, generateKeyPair } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { agentCardPayload, verifyAgentCard } from '@tessera/sdk'
import { buildAgentCard } from '../domain/card/agent-card.ts'
import type { GuardianEnv } from '../guardian.env.ts'
import { CardSigner } from './card-signer.ts'

const PUBLIC_URL = 'https://tessera.example'
const card = buildAgentCard(
  {
    agentId: 'agt_0123456789abcdefghjkmnpqrs',
    name: 'Researcher',
    framework: 'langgraph',
    capabilities: ['web:search', 'files:read'],
    metadata: {},
    handle: 'A-1a2b3c4d',
    did: 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp',
  },
  PUBLIC_URL,
)

let signer: CardSigner
beforeAll(async () => {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const config = {
    GUARDIAN_CARD_SIGNING_KEY: await exportPKCS8(privateKey),
    TESSERA_PUBLIC_URL: PUBLIC_URL,
  } as GuardianEnv
  // with a configured key the signer never reads its schema
  signer = new CardSigner(undefined as never, 'unused', config)
  await signer.onModuleInit()
})

describe("guardian's card signer and the SDK's verifier", () => {
  it('signs a card here that the SDK verifies there, by the JWKS guardian serves', async () => {
    const { card: signed, cardHash, kid } = await signer.sign(card)
    expect(await verifyAgentCard(signed, { jwks: signer.jwks() })).toEqual({ valid: true, kid })
    // the hash events carry is of the very bytes the SDK rebuilds
    expect(cardHash).toBe(createHash('sha256').update(agentCardPayload(signed)).digest('hex'))
  })

  it('signs a card the SDK refuses once changed, at any depth', async () => {
    const { card: signed } = await signer.sign(card)
    const [skill] = signed.skills
    const changed = [
      { ...signed, name: 'Researcher2' },
      { ...signed, skills: [{ ...skill!, id: 'files:write' }] },
    ]
    for (const c of changed) {
      expect(await verifyAgentCard(c, { jwks: signer.jwks() })).toMatchObject({
        valid: false,
        reason: 'bad_signature',
      })
    }
  })
})
