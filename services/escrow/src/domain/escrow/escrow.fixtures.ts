import { didKeyOf, generateEd25519KeyPair } from '@tessera/crypto'
import type { PactFacts } from './escrow.decider.ts'

/** A pact both decider specs and integration tests build escrows on: keys, parties, hash. */
export function pactFixture(over: Partial<PactFacts> = {}) {
  const buyerKeys = generateEd25519KeyPair()
  const sellerKeys = generateEd25519KeyPair()
  const pact: PactFacts = {
    pactId: 'pact_01jc0000000000000000000000',
    pactHash: 'a'.repeat(64),
    amount: '10000000',
    deadlineUtc: '2026-12-10T00:00:00.000Z',
    arbiter: 'tessera-jury',
    buyer: {
      agentId: 'agt_01jc00000000000000000000bb',
      orgId: 'org_buyer',
      did: didKeyOf(buyerKeys.publicKey),
    },
    seller: {
      agentId: 'agt_01jc00000000000000000000ss',
      orgId: 'org_seller',
      did: didKeyOf(sellerKeys.publicKey),
    },
    conditions: [
      {
        kind: 'deliverable',
        name: 'accuracy',
        when: { path: '/metadata/accuracy', op: 'gte', value: 0.9 },
      },
      {
        kind: 'deliverable',
        name: 'rows',
        when: { path: '/deliverable/rows', op: 'gte', value: 10 },
      },
    ] as PactFacts['conditions'],
    ...over,
  }
  return { pact, buyerKeys, sellerKeys }
}
