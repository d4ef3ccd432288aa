import type { PactTerms } from '@tessera/contracts'
import { type EvidenceInput, evidencePackage } from './evidence.ts'

const id = (p: string, c: string) => `${p}_${c.repeat(26)}`

/** A DCF pact with five deliverable conditions (`/deliverable/sections/<name>` present). */
export const SECTIONS = ['base', 'bull', 'bear', 'sensitivity', 'summary'] as const

export function fixtureTerms(): PactTerms {
  return {
    proposedBy: id('agt', 'a'),
    proposedTo: id('agt', 'b'),
    capability: 'financial-analysis',
    taskDescription: 'DCF for ACME: base, bull and bear scenarios, sensitivity table, summary',
    deliverableFormat: 'JSON',
    conditions: SECTIONS.map((name) => ({
      kind: 'deliverable' as const,
      name,
      when: { path: `/deliverable/sections/${name}`, op: 'exists' as const },
    })),
    deadlineUtc: '2026-12-31T18:00:00Z',
    payment: { amount: '500000000', currency: 'USDC' },
    escrowArbiter: 'tessera',
    proposedAt: '2026-12-01T00:00:00Z',
    nonce: 'nonce-fixture-1',
  }
}

/** An evidence package whose deliverable has `present` of the five sections, plus `note`. */
export function fixtureEvidence(
  present: readonly string[],
  note = '',
  over: Partial<EvidenceInput> = {},
) {
  const sections = Object.fromEntries(present.map((s) => [s, `${s} ${note}`]))
  return evidencePackage({
    disputeId: id('dsp', '1'),
    escrowId: id('esc', '1'),
    claimant: 'buyer',
    disputedBy: id('agt', 'a'),
    reason: 'sections are missing',
    evidence: [],
    amount: '500000000',
    response: null,
    pact: {
      pactId: id('pact', '1'),
      pactHash: 'a'.repeat(64),
      terms: fixtureTerms(),
      buyer: { agentId: id('agt', 'a'), orgId: id('org', 'a') },
      seller: { agentId: id('agt', 'b'), orgId: id('org', 'b') },
      buyerSignature: 'b'.repeat(128),
      sellerSignature: 'c'.repeat(128),
    },
    completion: {
      deliverableHash: 'd'.repeat(64),
      deliverable: { sections, note },
      completionTimeUtc: '2026-12-05T00:00:00Z',
      verification: 'partial',
      results: SECTIONS.map((s) => ({ name: s, passed: present.includes(s) })),
    },
    ...over,
  })
}
