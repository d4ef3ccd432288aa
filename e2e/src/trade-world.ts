import { randomUUID } from 'node:crypto'
import pg from 'pg'
import {
  type Agent,
  type Escrow,
  type PactTerms,
  type RegisteredPact,
  type SubmitCompletionRequest,
  TesseraClient,
  pactHash,
  signCompletion,
  signPact,
} from '@tessera/sdk'
import { type Ed25519KeyPair, didKeyOf, generateEd25519KeyPair } from '@tessera/crypto'
import { retryWhile } from '@tessera/example-trade'
import { eventually } from '@tessera/testing'
import type { E2eInfra } from './infra.ts'
import { BOOTSTRAP_TOKEN, type RunningStack } from './stack.ts'

/** An org as its runtime holds it: the admin key (credits) and a member key's client (trading). */
export interface TradeOrg {
  name: string
  /** The member key, for clients beside the SDK's (telemetry). */
  memberKey: string
  admin: TesseraClient
  client: TesseraClient
}

/** An agent registered with guardian under its own did:key; the secret never leaves the test. */
export interface TradeAgent {
  org: TradeOrg
  agent: Agent
  id: string
  did: string
  keys: Ed25519KeyPair
}

/** What a seller delivers, and its execution metrics, as the completion carries them. */
export interface Delivery {
  deliverable: SubmitCompletionRequest['deliverable']
  metrics: NonNullable<SubmitCompletionRequest['executionMetrics']>
}

/**
 * Codes that mean "the bus has not carried it there yet": the caller retries, as a client would.
 * AUTH_FAILED too: a key guardian has just issued works in the other services once its
 * ApiKeyIssued has reached them (docs/how-a-service-is-built.md).
 */
const NOT_YET = new Set(['PACT_NOT_FOUND_YET', 'PACT_UNKNOWN_AGENT', 'NOT_FOUND', 'AUTH_FAILED'])

/** Retries `fn` while it fails with a not-yet code, for up to `timeoutMs`. */
export const whenKnown = <T>(fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> =>
  retryWhile((err) => NOT_YET.has(err.code), fn, timeoutMs)

/**
 * Orgs, agents, pacts and escrows against a running stack, through the gateway with
 * `@tessera/sdk` as a user's runtime would call it. The platform's fee account is no org's to
 * read, so `platformFees` reads it from escrow's ledger as an operator would.
 */
export class TradeWorld {
  private constructor(
    private readonly stack: RunningStack,
    private readonly db: pg.Client,
  ) {}

  static async start(stack: RunningStack, infra: E2eInfra): Promise<TradeWorld> {
    const db = new pg.Client({ connectionString: infra.databaseUrl })
    await db.connect()
    return new TradeWorld(stack, db)
  }

  async close() {
    await this.db.end()
  }

  async org(name: string): Promise<TradeOrg> {
    const adminKey = await this.newKey('/v1/orgs', BOOTSTRAP_TOKEN, { name })
    const memberKey = await this.newKey('/v1/keys', adminKey, { role: 'member' })
    const client = (apiKey: string) => new TesseraClient({ baseUrl: this.stack.gatewayUrl, apiKey })
    return { name, memberKey, admin: client(adminKey), client: client(memberKey) }
  }

  /** An agent with a fresh Ed25519 key (registering is an admin's), once escrow opened its wallet. */
  async agent(org: TradeOrg, name: string): Promise<TradeAgent> {
    const keys = generateEd25519KeyPair()
    const did = didKeyOf(keys.publicKey)
    const agent = await org.admin.agents.create({
      name,
      framework: 'e2e',
      capabilities: ['data:analysis'],
      publicKey: did,
    })
    await whenKnown(() => org.client.accounts.getAgentWallet(agent.id))
    return { org, agent, id: agent.id, did, keys }
  }

  /** The internal rail's admin credit (docs/ledger.md). */
  async fund(a: TradeAgent, amountUsdc: string) {
    await a.org.admin.accounts.credit(`acct_${a.id}`, { amountUsdc, transferId: randomUUID() })
  }

  /** A wallet's available µUSDC. */
  async available(a: TradeAgent): Promise<bigint> {
    return BigInt((await a.org.client.accounts.getAgentWallet(a.id)).available)
  }

  /** Posted µUSDC in the platform's fee account. */
  async platformFees(): Promise<bigint> {
    const { rows } = await this.db.query<{ p: string }>(
      `select (credits_posted - debits_posted)::text as p from escrow.ledger_accounts
        where account_id = 'platform_fees'`,
    )
    return BigInt(rows[0]?.p ?? '0')
  }

  terms(buyer: TradeAgent, seller: TradeAgent, over: Partial<PactTerms> = {}): PactTerms {
    return {
      proposedBy: buyer.id,
      proposedTo: seller.did,
      capability: 'financial-analysis',
      taskDescription: 'Q3 DCF, 3 scenarios',
      deliverableFormat: 'JSON report',
      conditions: [
        {
          kind: 'deliverable',
          name: 'accuracy',
          when: { path: '/metadata/accuracy', op: 'gte', value: 0.92 },
        },
      ],
      deadlineUtc: new Date(Date.now() + 3_600_000).toISOString(),
      payment: { amount: '10000000', currency: 'USDC' },
      escrowArbiter: 'tessera-jury',
      proposedAt: new Date().toISOString(),
      nonce: randomUUID(),
      ...over,
    }
  }

  /** Negotiated peer to peer, registered with both signatures by the seller's runtime. */
  register(buyer: TradeAgent, seller: TradeAgent, terms: PactTerms): Promise<RegisteredPact> {
    return whenKnown(() =>
      seller.org.client.pacts.register({
        pactHash: pactHash(terms),
        buyerDid: buyer.did,
        sellerDid: seller.did,
        buyerSignature: signPact(terms, buyer.keys.secretKey),
        sellerSignature: signPact(terms, seller.keys.secretKey),
        terms,
      }),
    )
  }

  /** The buyer locks the pact's payment once escrow heard of the pact. */
  lock(buyer: TradeAgent, seller: TradeAgent, pactId: string, terms: PactTerms): Promise<Escrow> {
    return whenKnown(() =>
      buyer.org.client.escrow.create({
        buyerAgentId: buyer.did,
        sellerAgentId: seller.did,
        pactId,
        amount: terms.payment.amount,
        conditionHash: pactHash(terms),
        deadlineUtc: terms.deadlineUtc,
      }),
    )
  }

  /** The seller's signed completion. */
  deliver(
    seller: TradeAgent,
    escrowId: string,
    pactId: string,
    deliverable: Delivery['deliverable'],
    executionMetrics: Delivery['metrics'],
  ): Promise<Escrow> {
    return seller.org.client.escrow.submitCompletion({
      escrowId,
      pactId,
      deliverable,
      ...signCompletion(deliverable, seller.keys.secretKey),
      completionTimeUtc: new Date().toISOString(),
      executionMetrics,
    })
  }

  /** Registered, locked, verified by the seller and delivered: the escrow after the completion. */
  async trade(buyer: TradeAgent, seller: TradeAgent, terms: PactTerms, delivery: Delivery) {
    const pact = await this.register(buyer, seller, terms)
    const locked = await this.lock(buyer, seller, pact.pactId, terms)
    await seller.org.client.escrow.verify({
      escrowId: locked.escrowId,
      expectedPactId: pact.pactId,
      expectedAmount: terms.payment.amount,
    })
    const delivered = await this.deliver(
      seller,
      locked.escrowId,
      pact.pactId,
      delivery.deliverable,
      delivery.metrics,
    )
    return { pact, escrow: delivered }
  }

  /** Polls the escrow (as a party) until `ok` holds. */
  escrowWhen(a: TradeAgent, escrowId: string, ok: (e: Escrow) => boolean, what: string) {
    return eventually(
      async () => {
        const e = await a.org.client.escrow.get(escrowId)
        return ok(e) ? e : undefined
      },
      { what, timeoutMs: 45_000, intervalMs: 250 },
    )
  }

  private async newKey(path: string, bearer: string, body: object): Promise<string> {
    const res = await fetch(`${this.stack.gatewayUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (res.status !== 201) throw new Error(`POST ${path}: HTTP ${res.status}`)
    return ((await res.json()) as { apiKey: string }).apiKey
  }
}
