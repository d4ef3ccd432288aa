import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { completionDocument } from '@tessera/settlement'
// eslint-disable-next-line no-restricted-imports -- escrow's pure decider, to settle with it
import {
  decide,
  verifyDeliverable,
} from '@tessera/escrow-service/src/domain/escrow/escrow.decider.ts'
// eslint-disable-next-line no-restricted-imports -- escrow's fixtures, for an escrow to settle
import { pactFixture } from '@tessera/escrow-service/src/domain/escrow/escrow.fixtures.ts'
// eslint-disable-next-line no-restricted-imports -- escrow's pure state, to fold the history
import { evolve, initialState } from '@tessera/escrow-service/src/domain/escrow/escrow.state.ts'
// eslint-disable-next-line no-restricted-imports -- jury's pure record builder
import { splitOf } from '@tessera/jury-service/src/domain/dispute/dispute-record.ts'
// eslint-disable-next-line no-restricted-imports -- jury's evidence package type
import type { EvidencePackage } from '@tessera/jury-service/src/domain/dispute/evidence.ts'
// eslint-disable-next-line no-restricted-imports -- jury's deterministic judge
import { rulesJudge } from '@tessera/jury-service/src/domain/dispute/rules-judge.ts'

// Escrow settles a verdict and jury's audit record shows its split: for any amount and any
// percentage a trimmed median can take, the two are the same micro-units.

const escrowId = 'esc_01jc0000000000000000000000'
const disputeId = 'dsp_01jc0000000000000000000000'

const fixture = pactFixture().pact

function settleWithEscrow(amount: bigint, releasePercentage: number) {
  const pact = { ...fixture, amount: String(amount) }
  const now = new Date('2026-12-06T12:00:00.000Z')
  let state = initialState()
  const run = (events: ReturnType<typeof decide>) => {
    for (const e of events) state = evolve(state, e)
    return events
  }
  run(
    decide(
      {
        type: 'CreateEscrow',
        escrowId,
        callerOrgId: pact.buyer.orgId,
        now,
        transferId: `${escrowId}:lock`,
        pact,
        input: { pactId: pact.pactId, amount: pact.amount, conditionHash: pact.pactHash },
      },
      state,
    ),
  )
  // a dispute frozen by hand (the decider's own specs cover how it opens)
  state = { ...state, status: 'disputed', disputeId }
  const [settled] = run(
    decide(
      {
        type: 'SettleByVerdict',
        now,
        verdict: {
          disputeId,
          escrowId,
          pactId: pact.pactId,
          releasePercentage,
          votes: [],
          trimmed: [],
          evidenceHash: 'b'.repeat(64),
          judges: [],
          recordHash: 'c'.repeat(64),
          round: 2,
          appealableUntil: null,
          reachedAt: now.toISOString(),
        },
      },
      state,
    ),
  )
  return settled!.data as { sellerAmount: string; buyerAmount: string; fee: string }
}

describe('one split rule for jury and escrow', () => {
  // a trimmed median of integer votes is an integer or x.5; a model's vote may be any decimal
  const percentage = fc.oneof(
    fc.integer({ min: 0, max: 200 }).map((h) => h / 2),
    fc.double({ min: 0, max: 100, noNaN: true }),
  )
  const amount = fc.bigInt({ min: 1n, max: 10n ** 15n })

  it("the audit record's split is escrow's settlement, to the micro-unit", () => {
    fc.assert(
      fc.property(amount, percentage, (a, pct) => {
        const paid = settleWithEscrow(a, pct)
        const record = splitOf(String(a), pct)
        expect({
          fee: record.fee,
          sellerAmount: record.sellerAmount,
          buyerAmount: record.buyerAmount,
        }).toEqual({
          fee: paid.fee,
          sellerAmount: paid.sellerAmount,
          buyerAmount: paid.buyerAmount,
        })
        expect(BigInt(paid.fee) + BigInt(paid.sellerAmount) + BigInt(paid.buyerAmount)).toBe(a)
      }),
      { numRuns: 2000 },
    )
  })

  it('a x.5 median is split exactly, not rounded to a whole percent', () => {
    expect(settleWithEscrow(1_000_000n, 62.5)).toMatchObject({
      fee: '10000',
      sellerAmount: '618750',
      buyerAmount: '371250',
    })
    expect(splitOf('1000000', 62.5)).toMatchObject({ sellerAmount: '618750' })
  })

  it("escrow's automated verification and jury's rules judge read the same document", () => {
    // conditions over every part of the document, under either name for the metrics
    const conditions = [
      {
        kind: 'deliverable',
        name: 'rows',
        when: { path: '/deliverable/rows', op: 'gte', value: 10 },
      },
      {
        kind: 'deliverable',
        name: 'acc',
        when: { path: '/metadata/accuracy', op: 'gte', value: 0.9 },
      },
      {
        kind: 'deliverable',
        name: 'lat',
        when: { path: '/executionMetrics/latencyMs', op: 'lte', value: 500 },
      },
      {
        kind: 'deliverable',
        name: 'on-time',
        when: { path: '/completionTimeUtc', op: 'lte', value: '2026-12-08T00:00:00.000Z' },
      },
    ] as unknown as (typeof fixture)['conditions']
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        fc.option(fc.constant({}), { nil: undefined }),
        (rows, accuracy, latencyMs, early, noMetrics) => {
          const completion = {
            deliverable: { rows },
            completionTimeUtc: early ? '2026-12-07T00:00:00.000Z' : '2026-12-09T00:00:00.000Z',
            executionMetrics: noMetrics ?? { accuracy, latencyMs },
          }
          const escrowSaw = verifyDeliverable(conditions, completionDocument(completion)).results
          const held = escrowSaw.filter((r) => r.passed).length
          const evidence = {
            pact: { terms: { conditions } },
            deliverable: completion.deliverable,
            completion: { ...completion, verification: 'partial', results: [] },
            conditionResults: [],
          } as unknown as EvidencePackage
          expect(rulesJudge(evidence).releasePercentage).toBe(
            Math.round((100 * held) / conditions.length),
          )
        },
      ),
      { numRuns: 500 },
    )
  })

  it('the completion document is the one both read', () => {
    const metrics = { accuracy: 0.95 }
    expect(completionDocument({ deliverable: { rows: 1 }, executionMetrics: metrics })).toEqual({
      deliverable: { rows: 1 },
      completionTimeUtc: null,
      executionMetrics: metrics,
      metadata: metrics,
    })
  })
})
