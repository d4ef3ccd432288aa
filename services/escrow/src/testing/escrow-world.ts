import { jetstream } from '@nats-io/jetstream'
import { sql } from 'kysely'
import type { Escrow, PactTerms } from '@tessera/contracts'
import { publishEnvelopes } from '@tessera/bus'
import {
  type Ed25519KeyPair,
  didKeyOf,
  generateEd25519KeyPair,
  sha256Hex,
  signCompletion,
} from '@tessera/crypto'
import { newId } from '@tessera/service-kit'
import {
  type InProcessService,
  type RoleKeys,
  eventually,
  metadataFor,
  seedRoleKeys,
} from '@tessera/testing'

export interface WorldAgent {
  agentId: string
  orgId: string
  did: string
  keys: Ed25519KeyPair
}

export interface PactOptions {
  amount?: string
  deadlineUtc?: string
  conditions?: PactTerms['conditions']
  /** The pact's parties; the world's buyer and seller when left out. */
  buyer?: WorldAgent
  seller?: WorldAgent
}

export interface WorldPact {
  pactId: string
  pactHash: string
  amount: string
  deadlineUtc: string
  buyer: WorldAgent
  seller: WorldAgent
}

/**
 * Escrow with what it learns from the bus in production: two orgs with keys of every role,
 * agents published as guardian's AgentRegistered (their wallets open), pacts published as
 * PACTS' PactAccepted, and the internal rail's admin credit for the buyer.
 */
export class EscrowWorld {
  private constructor(
    readonly svc: InProcessService,
    readonly buyerOrg: RoleKeys & { orgId: string },
    readonly sellerOrg: RoleKeys & { orgId: string },
    readonly buyer: WorldAgent,
    readonly seller: WorldAgent,
  ) {}

  static async start(svc: InProcessService): Promise<EscrowWorld> {
    const [b, s] = [await seedRoleKeys(svc), await seedRoleKeys(svc)]
    const buyerOrg = { ...b, orgId: await orgOf(svc, b.admin) }
    const sellerOrg = { ...s, orgId: await orgOf(svc, s.admin) }
    const world = new EscrowWorld(
      svc,
      buyerOrg,
      sellerOrg,
      agent(buyerOrg.orgId),
      agent(sellerOrg.orgId),
    )
    await world.register(world.buyer, world.seller)
    return world
  }

  /** `count` more buyer/seller pairs in the world's two orgs, registered (wallets open). */
  async pairs(count: number): Promise<{ buyer: WorldAgent; seller: WorldAgent }[]> {
    const made = Array.from({ length: count }, () => ({
      buyer: agent(this.buyerOrg.orgId),
      seller: agent(this.sellerOrg.orgId),
    }))
    if (count > 0) await this.register(...made.flatMap((m) => [m.buyer, m.seller]))
    return made
  }

  async register(...agents: WorldAgent[]) {
    await publishEnvelopes(
      jetstream(this.svc.nc),
      'guardian',
      agents.map((a) => ({
        type: 'AgentRegistered',
        data: {
          agentId: a.agentId,
          orgId: a.orgId,
          name: 'agent',
          framework: 'test',
          capabilities: [],
          publicKey: Buffer.from(a.keys.publicKey).toString('base64url'),
          did: a.did,
          handle: sha256Hex(a.agentId).slice(0, 8),
          registeredAt: new Date().toISOString(),
        },
        metadata: metadataFor(`agent-${a.agentId}`),
      })),
      this.svc.prefix,
    )
    const last = agents.at(-1)!
    await eventually(() => this.walletExists(last.agentId), { what: 'the agents’ wallets' })
  }

  private async walletExists(agentId: string) {
    const { rows } = await sql`select 1 from ${sql.id(this.svc.schema)}.ledger_accounts
      where account_id = ${`acct_${agentId}`}`.execute(this.svc.db)
    return rows.length > 0 || undefined
  }

  /** An active pact between the world's buyer and seller, known to escrow once this returns. */
  async pact(over: PactOptions = {}, wait = true): Promise<WorldPact> {
    return (await this.pacts(1, over, wait))[0]!
  }

  /** `count` active pacts published at once, known to escrow once this returns. */
  async pacts(count: number, over: PactOptions = {}, wait = true): Promise<WorldPact[]> {
    const made = Array.from({ length: count }, () => this.pactAccepted(over))
    await publishEnvelopes(
      jetstream(this.svc.nc),
      'pacts',
      made.map((m) => m.envelope),
      this.svc.prefix,
    )
    const last = made.at(-1)!.pact.pactId
    if (wait)
      await eventually(() => this.pactKnown(last), { what: `pact ${last}`, timeoutMs: 60_000 })
    return made.map((m) => m.pact)
  }

  private pactAccepted(over: PactOptions) {
    const pactId = newId('pact')
    const buyer = over.buyer ?? this.buyer
    const seller = over.seller ?? this.seller
    const terms: PactTerms = {
      proposedBy: buyer.agentId,
      proposedTo: seller.agentId,
      capability: 'data-cleaning',
      taskDescription: 'clean the rows',
      deliverableFormat: 'json',
      conditions: over.conditions ?? [
        {
          kind: 'deliverable',
          name: 'rows',
          when: { path: '/deliverable/rows', op: 'gte', value: 10 },
        },
        {
          kind: 'deliverable',
          name: 'accuracy',
          when: { path: '/metadata/accuracy', op: 'gte', value: 0.9 },
        },
      ],
      deadlineUtc: over.deadlineUtc ?? new Date(Date.now() + 86_400_000).toISOString(),
      payment: { amount: over.amount ?? '10000000', currency: 'USDC' },
      escrowArbiter: 'tessera-jury',
      proposedAt: new Date().toISOString(),
      nonce: newId('nonce'),
    }
    const pactHash = sha256Hex(JSON.stringify(terms))
    const party = (a: WorldAgent) => ({ agentId: a.agentId, orgId: a.orgId, did: a.did })
    const envelope = {
      type: 'PactAccepted',
      data: {
        pactId,
        pactHash,
        terms,
        buyer: party(buyer),
        seller: party(seller),
        buyerSignature: '0'.repeat(128),
        sellerSignature: '0'.repeat(128),
        round: 1,
        by: seller.agentId,
        acceptedAt: new Date().toISOString(),
      },
      metadata: metadataFor(`pact-${pactId}`),
    }
    const pact: WorldPact = {
      pactId,
      pactHash,
      amount: terms.payment.amount,
      deadlineUtc: terms.deadlineUtc,
      buyer,
      seller,
    }
    return { envelope, pact }
  }

  private async pactKnown(pactId: string) {
    const { rows } = await sql`select 1 from ${sql.id(this.svc.schema)}.escrow_pacts
      where pact_id = ${pactId}`.execute(this.svc.db)
    return rows.length > 0 || undefined
  }

  /** Money for the buyer through the internal rail's admin credit. */
  async fund(agent: WorldAgent, amount: string) {
    const key = agent.orgId === this.buyerOrg.orgId ? this.buyerOrg.admin : this.sellerOrg.admin
    const res = await this.call('POST', `/v1/accounts/acct_${agent.agentId}/credits`, key, {
      amount,
    })
    if (res.status !== 201) throw new Error(`credit failed: ${JSON.stringify(res.body)}`)
  }

  /** Every ledger account's four balances, to show that a refusal moved nothing. */
  async balances(): Promise<Record<string, string>> {
    const { rows } = await sql<{ account_id: string; b: string }>`select account_id,
        concat_ws('/', debits_pending, debits_posted, credits_pending, credits_posted) as b
      from ${sql.id(this.svc.schema)}.ledger_accounts order by account_id`.execute(this.svc.db)
    return Object.fromEntries(rows.map((r) => [r.account_id, r.b]))
  }

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    key: string,
    body?: unknown,
  ) {
    const res = await fetch(`${this.svc.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as T & Record<string, unknown> }
  }

  /**
   * A 10 USDC escrow whose completion meets one of its pact's two conditions, so automated
   * verification disputes it. Throws when the lock or the dispute does not happen.
   */
  async partialDelivery(): Promise<{ pact: WorldPact; escrowId: string; disputeId: string }> {
    const pact = await this.pact()
    const res = await this.call<Escrow>('POST', '/v1/escrows', this.buyerOrg.member, {
      pactId: pact.pactId,
      amount: pact.amount,
      conditionHash: pact.pactHash,
    })
    if (res.status !== 201) throw new Error(`lock: ${res.status} ${JSON.stringify(res.body)}`)
    const deliverable = { rows: 12 }
    const done = await this.call<Escrow>(
      'POST',
      `/v1/escrows/${res.body.escrowId}/completion`,
      this.sellerOrg.member,
      {
        pactId: pact.pactId,
        deliverable,
        ...signCompletion(deliverable, pact.seller.keys.secretKey),
        completionTimeUtc: new Date().toISOString(),
        executionMetrics: { accuracy: 0.1 },
      },
    )
    if (done.body.status !== 'disputed' || done.body.verification !== 'partial') {
      throw new Error(`completion was not a partial delivery: ${JSON.stringify(done.body)}`)
    }
    return { pact, escrowId: res.body.escrowId, disputeId: done.body.disputeId! }
  }
}

function agent(orgId: string): WorldAgent {
  const keys = generateEd25519KeyPair()
  return { agentId: newId('agt'), orgId, did: didKeyOf(keys.publicKey), keys }
}

async function orgOf(svc: InProcessService, key: string) {
  const { rows } = await sql<{ org_id: string }>`select org_id
    from ${sql.id(svc.schema)}.api_keys where key_hash = ${sha256Hex(key)}`.execute(svc.db)
  return rows[0]!.org_id
}
