import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { sql } from 'kysely'
import {
  type AnyEnvelope,
  type Context,
  type PactParty,
  type PactTerms,
  streamName,
} from '@tessera/contracts'
import { publishEnvelopes } from '@tessera/bus'
import { TesseraClient } from '@tessera/sdk'
import { newId } from '@tessera/service-kit'
import {
  type InProcessService,
  eventually,
  metadataFor,
  seedApiKey,
  startInProcess,
} from '@tessera/testing'
import { SECTIONS, fixtureTerms } from '../domain/dispute/testing-fixtures.ts'
import { jury } from '../service.ts'

export interface TestOrg {
  orgId: string
  apiKey: string
  client: TesseraClient
}

export interface OpenedDispute {
  disputeId: string
  escrowId: string
  pactId: string
  buyer: PactParty
  seller: PactParty
}

/**
 * Jury on a schema and stream prefix of its own. Other services' events (PACTS' pact, ESCROW's
 * completion and dispute) are published on the bus by hand, as those services would.
 */
export class JuryHarness {
  private constructor(readonly svc: InProcessService) {}

  static async start(env: Record<string, string> = {}): Promise<JuryHarness> {
    return new JuryHarness(
      await startInProcess(jury, {
        env: { JURY_SCHEDULER_POLL_SECONDS: '0.5', ...env },
      }),
    )
  }

  get url() {
    return this.svc.url
  }

  async org(role: 'admin' | 'member' = 'member'): Promise<TestOrg> {
    const orgId = newId('org')
    const apiKey = await seedApiKey(this.svc, orgId, role)
    return { orgId, apiKey, client: new TesseraClient({ baseUrl: this.url, apiKey }) }
  }

  /**
   * A registered pact between an agent of `buyer` and one of `seller`, the seller's completion
   * with `present` of its five sections, and the buyer's dispute of it.
   */
  async openDispute(
    buyerOrg: TestOrg,
    sellerOrg: TestOrg,
    opts: DisputeCaseOptions = {},
  ): Promise<OpenedDispute> {
    const c = disputeCase(buyerOrg, sellerOrg, opts)
    await this.publish('pacts', 'PactRegistered', `pact-${c.ids.pactId}`, c.pact)
    await this.publish('escrow', 'CompletionSubmitted', `escrow-${c.ids.escrowId}`, c.completion)
    // jury reads the pact and the completion when the panel sits, not when the dispute opens
    await this.untilRows('jury_pacts', 'pact_id', [c.ids.pactId])
    await this.untilRows('jury_completions', 'escrow_id', [c.ids.escrowId])
    await this.publish('escrow', 'DisputeOpened', `escrow-${c.ids.escrowId}`, c.dispute)
    await this.untilRows('disputes', 'dispute_id', [c.ids.disputeId])
    return c.ids
  }

  /** Events of `type` jury published on its stream, in order. */
  async published(type: string): Promise<AnyEnvelope[]> {
    const jsm = await jetstreamManager(this.svc.nc)
    const stream = streamName('jury', this.svc.prefix)
    const { state } = await jsm.streams.info(stream)
    const out: AnyEnvelope[] = []
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const e = (await jsm.streams.getMessage(stream, { seq }))?.json<AnyEnvelope>()
      if (e?.type === type) out.push(e)
    }
    return out
  }

  /** Events of `type` in jury's log. */
  async eventCount(type: string, disputeId?: string): Promise<number> {
    const { rows } = await sql<{ n: string }>`select count(*) as n
      from ${sql.id(this.svc.schema, 'events')} where type = ${type}
      ${disputeId ? sql`and stream_id = ${`dispute-${disputeId}`}` : sql``}`.execute(this.svc.db)
    return Number(rows[0]?.n)
  }

  stop() {
    return this.svc.stop()
  }

  /** Publishes events on another context's stream, as that service would. */
  async publish(context: Context, type: string, streamId: string, data: object) {
    await publishEnvelopes(
      jetstream(this.svc.nc),
      context,
      [{ type, data, metadata: metadataFor(streamId) }],
      this.svc.prefix,
    )
  }

  /** Until `table` holds a row for each of `ids`. */
  async untilRows(table: string, column: string, ids: string[], timeoutMs = 10_000) {
    await eventually(
      async () => {
        const { rows } = await sql<{ n: string }>`select count(*) as n
          from ${sql.id(this.svc.schema, table)}
          where ${sql.ref(column)} = any(${ids})`.execute(this.svc.db)
        return Number(rows[0]?.n) === ids.length || undefined
      },
      { what: `${ids.length} rows in ${table}`, timeoutMs },
    )
  }
}

export interface DisputeCaseOptions {
  present?: readonly string[]
  amount?: string
  note?: string
}

/** The three events of one dispute: PACTS' pact, ESCROW's completion and dispute. */
export function disputeCase(buyerOrg: TestOrg, sellerOrg: TestOrg, opts: DisputeCaseOptions = {}) {
  const buyer = { agentId: newId('agt'), orgId: buyerOrg.orgId }
  const seller = { agentId: newId('agt'), orgId: sellerOrg.orgId }
  const [pactId, escrowId, disputeId] = [newId('pact'), newId('esc'), newId('dsp')]
  const terms: PactTerms = {
    ...fixtureTerms(),
    proposedBy: buyer.agentId,
    proposedTo: seller.agentId,
    nonce: `nonce-${pactId}`,
  }
  const now = new Date().toISOString()
  const present = opts.present ?? ['base', 'bull', 'summary']
  const sections = Object.fromEntries(present.map((x) => [x, `${x} ${opts.note ?? ''}`]))
  return {
    ids: { disputeId, escrowId, pactId, buyer, seller } satisfies OpenedDispute,
    pact: {
      pactId,
      pactHash: 'a'.repeat(64),
      terms,
      buyer,
      seller,
      buyerSignature: 'b'.repeat(128),
      sellerSignature: 'c'.repeat(128),
      registeredAt: now,
    },
    completion: {
      escrowId,
      pactId,
      deliverableHash: 'd'.repeat(64),
      deliverable: { sections, note: opts.note ?? '' },
      completionTimeUtc: now,
      sellerSignature: 'e'.repeat(128),
      verification: 'partial',
      results: SECTIONS.map((x) => ({ name: x, passed: present.includes(x) })),
      submittedAt: now,
    },
    dispute: {
      disputeId,
      escrowId,
      pactId,
      disputedBy: 'system',
      reason: 'partial delivery: 3 of 5 sections',
      evidence: [],
      buyer,
      seller,
      amount: opts.amount ?? '500000000',
      openedAt: now,
    },
  }
}
