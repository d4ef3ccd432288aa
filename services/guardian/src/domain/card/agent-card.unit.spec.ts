import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { canonicalizeAgentCard } from '@a2a-js/sdk'
import type { AgentCard } from '@a2a-js/sdk'
import { agentCardPayload } from '@tessera/crypto'
import {
  type CardAgent,
  SkillNotACapability,
  TOKEN_SCHEME,
  TRUST_EXTENSION_URI,
  buildAgentCard,
} from './agent-card.ts'

const PUBLIC_URL = 'https://tessera.example'
const agent: CardAgent = {
  agentId: 'agt_0123456789abcdefghjkmnpqrs',
  name: 'Researcher',
  framework: 'langgraph',
  capabilities: ['web:search', 'files:read_all', 'web:*'],
  metadata: {},
  handle: 'A-1a2b3c4d',
  did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
}

describe('an agent card', () => {
  it('describes the agent in A2A v1.0 terms, served under the public URL', () => {
    const card = buildAgentCard(agent, PUBLIC_URL)
    expect(card).toMatchObject({
      name: 'Researcher',
      description: 'Researcher, a langgraph agent registered with Tessera.',
      version: '1.0.0',
      supportedInterfaces: [
        {
          url: `${PUBLIC_URL}/a2a/agents/${agent.agentId}`,
          protocolBinding: 'JSONRPC',
          protocolVersion: '1.0',
        },
      ],
      capabilities: { streaming: false, pushNotifications: false },
      defaultInputModes: ['application/json'],
      defaultOutputModes: ['application/json'],
      securitySchemes: {
        [TOKEN_SCHEME]: { httpAuthSecurityScheme: { scheme: 'Bearer', bearerFormat: 'tcap' } },
      },
      securityRequirements: [{ schemes: { [TOKEN_SCHEME]: { list: [] } } }],
    })
    expect(card.signatures).toBeUndefined()
  })

  it('carries the trust extension: DID, handle and trust profile', () => {
    const [ext, ...others] = buildAgentCard(agent, PUBLIC_URL).capabilities.extensions
    expect(others).toEqual([])
    expect(ext).toMatchObject({
      uri: TRUST_EXTENSION_URI,
      params: {
        did: agent.did,
        handle: 'A-1a2b3c4d',
        trustProfileUrl: `${PUBLIC_URL}/api/v1/trust/${agent.agentId}`,
      },
    })
    // an agent without a key has no DID: the param is left out, not emptied
    const keyless = buildAgentCard({ ...agent, did: undefined }, PUBLIC_URL)
    expect(keyless.capabilities.extensions[0]?.params).not.toHaveProperty('did')
  })

  it('has one skill per capability, each needing a token scoped to it', () => {
    const skills = buildAgentCard(agent, PUBLIC_URL).skills
    expect(skills.map((s) => s.id)).toEqual(agent.capabilities)
    expect(skills[0]).toEqual({
      id: 'web:search',
      name: 'Web: search',
      description: 'Acts with the `web:search` capability, which guardian enforces.',
      tags: ['web', 'search'],
      securityRequirements: [{ schemes: { [TOKEN_SCHEME]: { list: ['web:search'] } } }],
    })
    expect(skills[1]).toMatchObject({ name: 'Files: read all', tags: ['files', 'read_all'] })
    expect(skills[2]).toMatchObject({ name: 'Web: any action', tags: ['web'] })
  })

  it("takes description and version from the agent's metadata, and overrides over both", () => {
    const described = { ...agent, metadata: { description: ' Finds papers. ', version: '2.1.0' } }
    expect(buildAgentCard(described, PUBLIC_URL)).toMatchObject({
      description: 'Finds papers.',
      version: '2.1.0',
    })
    const overridden = buildAgentCard(described, PUBLIC_URL, {
      description: 'Reads the web.',
      version: '3.0.0',
      skills: [{ id: 'web:search', name: 'Search', tags: ['search'], examples: ['find X'] }],
    })
    expect(overridden).toMatchObject({ description: 'Reads the web.', version: '3.0.0' })
    expect(overridden.skills[0]).toMatchObject({
      id: 'web:search',
      name: 'Search',
      description: 'Acts with the `web:search` capability, which guardian enforces.',
      tags: ['search'],
      examples: ['find X'],
    })
  })

  it('refuses a skill override for a capability the agent does not have', () => {
    expect(() =>
      buildAgentCard(agent, PUBLIC_URL, { skills: [{ id: 'files:write', name: 'Write' }] }),
    ).toThrow(SkillNotACapability)
  })
})

describe('the canonical payload', () => {
  it('does not depend on key order', () => {
    const card = buildAgentCard(agent, PUBLIC_URL)
    const reversed = JSON.parse(
      JSON.stringify(card, (_k, v: unknown) =>
        v && typeof v === 'object' && !Array.isArray(v)
          ? Object.fromEntries(Object.entries(v).reverse())
          : v,
      ),
    ) as object
    expect(agentCardPayload(reversed)).toBe(agentCardPayload(card))
  })

  it("is byte for byte what the A2A SDK's canonicalization gives, so its verifiers agree", () => {
    const cards = [
      buildAgentCard(agent, PUBLIC_URL),
      buildAgentCard({ ...agent, did: undefined, capabilities: [] }, PUBLIC_URL),
      buildAgentCard(agent, PUBLIC_URL, {
        skills: [{ id: 'web:*', examples: ['look it up'], tags: ['any'] }],
      }),
    ]
    for (const card of cards) {
      expect(agentCardPayload(card)).toBe(canonicalizeAgentCard(card as unknown as AgentCard))
    }
  })

  it('signs every field of the card but the card-wide security requirement, which is empty', () => {
    fc.assert(
      fc.property(
        fc.record({
          name: fc.string({ minLength: 1 }),
          capabilities: fc.uniqueArray(fc.constantFrom('web:search', 'files:read', 'db:*')),
          description: fc.string(),
          did: fc.option(fc.constant(agent.did), { nil: undefined }),
        }),
        ({ name, capabilities, description, did }) => {
          const card = buildAgentCard(
            { ...agent, name, capabilities, did, metadata: { description } },
            PUBLIC_URL,
          )
          const { securityRequirements: _unsigned, skills, ...rest } = card
          const signed = skills.length > 0 ? { ...rest, skills } : rest
          expect(JSON.parse(agentCardPayload(card))).toEqual(signed)
        },
      ),
    )
  })
})
