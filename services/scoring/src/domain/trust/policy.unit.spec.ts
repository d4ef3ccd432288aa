import { describe, expect, it } from 'vitest'
import type { TrustProfile } from '@tessera/contracts'
import { evaluatePolicy } from './policy.ts'

const now = new Date('2026-10-20T00:00:00Z')
const good: TrustProfile = {
  agentId: 'did:key:z6Mk',
  tesseraAgentId: 'agt_x',
  handle: 'A-12345678',
  orgId: 'org_x',
  compositeScore: 850,
  scoreBreakdown: {
    accuracy: 90,
    reliability: 90,
    safety: 90,
    security: 90,
    selfAudit: 90,
    latency: 90,
    scopeHonesty: 90,
    costEfficiency: 90,
    bondScore: 40,
  },
  certificationLevel: 'verified',
  bondTier: 2,
  bondAmountUsdc: 2000,
  pacts: [
    {
      pactId: 'pact_1',
      capability: 'dcf',
      verifiedAt: '2026-01-01T00:00:00Z',
      fulfillmentRate: 0.97,
      taskCount: 120,
    },
  ],
  fulfillmentRate90d: 0.95,
  tasksCompleted90d: 120,
  lastActiveAt: '2026-10-10T00:00:00.000Z',
  memoryAttestations: 0,
  incidentCount90d: 0,
  scoreUpdatedAt: '2026-10-10T00:00:00.000Z',
  modelVersion: 'v1',
  buyerReputation: {
    disputesFiled: 0,
    disputesResolved: 0,
    sellerFavouredShare: 0,
    frivolousDisputeFlag: false,
  },
  anomalyFlags: [],
  orgUnderReview: false,
}

describe('meetsTransactionTrustPolicy', () => {
  it('approves a profile that meets the standard preset', () => {
    expect(evaluatePolicy(good, { capability: 'dcf' }, now)).toEqual({
      approved: true,
      reasons: [],
      preset: 'standard',
    })
  })

  it('refuses at each threshold, with every reason', () => {
    const r = evaluatePolicy(
      {
        ...good,
        compositeScore: 799,
        bondTier: 0,
        fulfillmentRate90d: 0.89,
        lastActiveAt: '2026-10-05T00:00:00Z',
      },
      { capability: 'other' },
      now,
    )
    expect(r.approved).toBe(false)
    expect(r.reasons).toEqual([
      'Score 799 below threshold 800',
      'No verified pact for capability: other with at least 100 tasks',
      'Agent is not bonded',
      '90d fulfillment rate 0.89 below 0.9',
      'Agent inactive for 15 days',
    ])
    // exactly at the thresholds passes
    const edge = evaluatePolicy(
      {
        ...good,
        compositeScore: 800,
        bondTier: 1,
        fulfillmentRate90d: 0.9,
        lastActiveAt: '2026-10-06T00:00:00Z',
      },
      {},
      now,
    )
    expect(edge.approved).toBe(true)
  })

  it('above $5,000 the stricter preset applies; explicit fields override it', () => {
    const r = evaluatePolicy(good, { capability: 'dcf', amount: '5000000001' }, now)
    expect(r.preset).toBe('high_value')
    expect(r.reasons).toContain('Score 850 below threshold 900')
    expect(r.reasons).toContain('Bond tier 2 below 3')
    expect(evaluatePolicy(good, { amount: '5000000000' }, now).preset).toBe('standard')
    expect(
      evaluatePolicy(
        good,
        {
          amount: '9000000000',
          minCompositeScore: 800,
          minBondTier: 2,
          minFulfillmentRate90d: 0.9,
        },
        now,
      ).approved,
    ).toBe(true)
  })

  it('refuses flagged agents when asked to', () => {
    const flagged = {
      ...good,
      anomalyFlags: [
        { escrowId: 'esc_1', counterpartyAgentId: 'agt_y', signals: ['same_org'], evidence: {} },
      ],
    }
    expect(evaluatePolicy(flagged, {}, now).approved).toBe(true)
    expect(evaluatePolicy(flagged, { rejectAnomalies: true }, now).reasons).toEqual([
      'Agent has 1 flagged trades',
    ])
  })
})
