import { jetstream } from '@nats-io/jetstream'
import { sql } from 'kysely'
import { ulid } from 'ulid'
import type { PactTerms } from '@tessera/contracts'
import { publishEnvelopes } from '@tessera/bus'
import { type Ed25519KeyPair, didKeyOf, generateEd25519KeyPair } from '@tessera/crypto'
import { TesseraClient } from '@tessera/sdk'
import { newId, newSecret, recordApiKey, sha256Hex } from '@tessera/service-kit'
import { type InProcessService, eventually, metadataFor, startInProcess } from '@tessera/testing'
import { pacts } from '../service.ts'

export interface TestOrg {
  orgId: string
  apiKey: string
  client: TesseraClient
}

export interface TestAgent {
  agentId: string
  orgId: string
  handle: string
  did: string
  keys: Ed25519KeyPair
}

/**
 * Pacts on a schema of its own, with orgs (member keys, as guardian's ApiKeyIssued would write
 * them) and agents published on the bus as guardian's AgentRegistered, so the agent directory
 * learns them the way it does in production.
 */
export class PactsHarness {
  private constructor(readonly svc: InProcessService) {}

  static async start(env: Record<string, string> = {}): Promise<PactsHarness> {
    return new PactsHarness(await startInProcess(pacts, { env }))
  }

  get url() {
    return this.svc.url
  }

  async org(): Promise<TestOrg> {
    const orgId = newId('org')
    const apiKey = newSecret('tsk_live_')
    await recordApiKey(this.svc.db, this.svc.schema, {
      keyId: newId('key'),
      orgId,
      prefix: apiKey.slice(0, 12),
      keyHash: sha256Hex(apiKey),
      role: 'member',
      userId: ulid(),
      issuedAt: new Date().toISOString(),
    })
    return { orgId, apiKey, client: new TesseraClient({ baseUrl: this.svc.url, apiKey }) }
  }

  /** An agent of `org` with an Ed25519 key (fresh, given, or none), once the directory has it. */
  async agent(
    org: TestOrg,
    opts: { withKey?: boolean; keys?: Ed25519KeyPair } = {},
  ): Promise<TestAgent> {
    const keys = opts.keys ?? generateEd25519KeyPair()
    const agentId = newId('agt')
    const handle = agentId.slice(-8).replace(/[^0-9a-f]/g, 'a')
    const withKey = opts.withKey ?? true
    const did = didKeyOf(keys.publicKey)
    await this.publish('AgentRegistered', `agent-${agentId}`, {
      agentId,
      orgId: org.orgId,
      name: `agent ${agentId}`,
      framework: 'test',
      capabilities: [],
      ...(withKey ? { publicKey: Buffer.from(keys.publicKey).toString('base64url'), did } : {}),
      handle,
      registeredAt: new Date().toISOString(),
    })
    await this.untilAgent(agentId, 'active')
    return { agentId, orgId: org.orgId, handle, did, keys }
  }

  async revoke(agent: TestAgent): Promise<void> {
    await this.publish('AgentRevoked', `agent-${agent.agentId}`, {
      agentId: agent.agentId,
      orgId: agent.orgId,
      reason: 'test',
      revokedAt: new Date().toISOString(),
    })
    await this.untilAgent(agent.agentId, 'revoked')
  }

  /** Every event in pacts' log: what a refusal must leave unchanged. */
  async eventCount(type?: string): Promise<number> {
    const { rows } = await sql<{ n: string }>`select count(*) as n
      from ${sql.id(this.svc.schema, 'events')}
      where ${type ? sql`type = ${type}` : sql`true`}`.execute(this.svc.db)
    return Number(rows[0]?.n)
  }

  stop() {
    return this.svc.stop()
  }

  private async publish(type: string, streamId: string, data: Record<string, unknown>) {
    await publishEnvelopes(
      jetstream(this.svc.nc),
      'guardian',
      [{ type, data, metadata: metadataFor(streamId) }],
      this.svc.prefix,
    )
  }

  private async untilAgent(agentId: string, status: string) {
    await eventually(
      async () => {
        const { rows } = await sql<{ status: string }>`select status
          from ${sql.id(this.svc.schema, 'agent_directory')}
          where agent_id = ${agentId}`.execute(this.svc.db)
        return rows[0]?.status === status || undefined
      },
      { what: `agent ${agentId} ${status} in the directory` },
    )
  }
}

let nonces = 0
/** Terms of a pact from `buyer` to `seller`, with a fresh nonce. */
export function termsOf(
  buyer: TestAgent,
  seller: TestAgent,
  over: Partial<PactTerms> = {},
): PactTerms {
  return {
    proposedBy: buyer.agentId,
    proposedTo: seller.agentId,
    capability: 'financial-analysis',
    taskDescription: 'Analyze Q3 earnings for ACME: DCF, 3 scenarios, sensitivity tables',
    deliverableFormat: 'JSON + PDF summary',
    conditions: [
      {
        kind: 'deliverable',
        name: 'accuracy',
        when: { path: '/metadata/accuracy', op: 'gte', value: 0.92 },
      },
    ],
    deadlineUtc: '2026-12-31T18:00:00Z',
    payment: { amount: '500000000', currency: 'USDC' },
    escrowArbiter: 'tessera',
    proposedAt: new Date().toISOString(),
    nonce: `nonce-${Date.now()}-${++nonces}`,
    ...over,
  }
}
