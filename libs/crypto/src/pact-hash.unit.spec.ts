import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ed25519PublicKeyOf } from './ed25519.ts'
import { pactHash, signPact, verifyPactSignature } from './pact-hash.ts'

/** The same JSON value with every object's keys in another order. */
function reorder(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, seed))
  if (value === null || typeof value !== 'object') return value
  const entries = Object.entries(value)
  // a seed-driven rotation and reversal: a different order whenever there are two keys or more
  const shift = entries.length ? seed % entries.length : 0
  const rotated = [...entries.slice(shift), ...entries.slice(0, shift)]
  if (seed % 2 === 1) rotated.reverse()
  // fromEntries defines own properties, so a `__proto__` key stays a key
  return Object.fromEntries(rotated.map(([k, v]) => [k, reorder(v, seed + 1)]))
}

const text = fc.string({ minLength: 1, maxLength: 40 })
/** Terms shaped as a pact's, with free extensions, as a runtime might send them. */
const terms = fc.record({
  proposedBy: text,
  proposedTo: text,
  capability: text,
  taskDescription: fc.string({ maxLength: 200 }),
  deliverableFormat: text,
  conditions: fc.array(
    fc.record({ kind: fc.constant('deliverable'), name: text, when: fc.jsonValue() }),
    { maxLength: 3 },
  ),
  deadlineUtc: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  payment: fc.record({
    amount: fc.bigInt({ min: 1n, max: 10n ** 15n }).map(String),
    currency: fc.constant('USDC'),
  }),
  escrowArbiter: text,
  proposedAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  nonce: fc.string({ minLength: 8, maxLength: 64 }),
  extensions: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 })),
})
const secretKey = fc.uint8Array({ minLength: 32, maxLength: 32 })

describe('pactHash', () => {
  it('is invariant under key order and whitespace (a parse of re-serialised JSON)', () => {
    fc.assert(
      fc.property(terms, fc.nat(), fc.constantFrom(0, 1, 2, '\t', ' \n '), (t, seed, space) => {
        const wire = JSON.stringify(reorder(t, seed), null, space)
        expect(pactHash(JSON.parse(wire))).toBe(pactHash(t))
      }),
    )
  })

  it('changes when any term changes', () => {
    fc.assert(
      fc.property(
        terms,
        fc.constantFrom(
          'proposedBy',
          'proposedTo',
          'capability',
          'taskDescription',
          'deliverableFormat',
          'escrowArbiter',
          'nonce',
        ),
        text,
        (t, field, value) => {
          fc.pre(t[field] !== value)
          expect(pactHash({ ...t, [field]: value })).not.toBe(pactHash(t))
        },
      ),
    )
    fc.assert(
      fc.property(terms, fc.bigInt({ min: 1n, max: 10n ** 15n }), (t, amount) => {
        fc.pre(String(amount) !== t.payment.amount)
        const changed = { ...t, payment: { ...t.payment, amount: String(amount) } }
        expect(pactHash(changed)).not.toBe(pactHash(t))
      }),
    )
  })

  it('a signature over one pact never verifies another, and always its own', () => {
    fc.assert(
      fc.property(terms, terms, secretKey, (t1, t2, key) => {
        fc.pre(pactHash(t1) !== pactHash(t2))
        const signature = signPact(t1, key)
        const publicKey = ed25519PublicKeyOf(key)
        expect(verifyPactSignature(t1, signature, publicKey)).toBe(true)
        expect(verifyPactSignature(t2, signature, publicKey)).toBe(false)
      }),
      { numRuns: 50 },
    )
  })
})
