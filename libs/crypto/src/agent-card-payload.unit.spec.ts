import { type AgentCard as A2aCard, canonicalizeAgentCard } from '@a2a-js/sdk'
import { describe, expect, it } from 'vitest'
import { agentCardPayload } from './agent-card-payload.ts'

describe('agentCardPayload', () => {
  it('is RFC 8785 JSON without signatures: sorted keys, no whitespace', () => {
    const payload = agentCardPayload({
      b: 1,
      a: { d: [true, false], c: 'x' },
      signatures: [{ protected: 'p', signature: 's' }],
    })
    expect(payload).toBe('{"a":{"c":"x","d":[true,false]},"b":1}')
  })

  it('leaves default values out, as A2A §8.4.1 says, but keeps false and 0', () => {
    expect(agentCardPayload({ a: '', b: [], c: {}, d: null, e: { f: [''] }, g: false, h: 0 })).toBe(
      '{"g":false,"h":0}',
    )
  })

  it("is byte for byte the A2A SDK's canonicalization", () => {
    const card = {
      name: 'Researcher',
      description: '',
      version: '1.0.0',
      capabilities: { streaming: false, extensions: [] },
      skills: [{ id: 'web:search', name: 'Web: search', tags: ['web'], examples: [] }],
      iconUrl: null,
    }
    expect(agentCardPayload(card)).toBe(canonicalizeAgentCard(card as unknown as A2aCard))
  })
})
