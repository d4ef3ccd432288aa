import { randomBytes } from 'node:crypto'
import { jetstream } from '@nats-io/jetstream'
import { sql } from 'kysely'
import { ulid } from 'ulid'
import type { ApiKeyRole, Envelope } from '@tessera/contracts'
import { publishEnvelopes } from '@tessera/bus'
import { newId, newSecret, sha256Hex } from '@tessera/service-kit'
import { InProcessService, eventually, metadataFor, startInProcess } from '@tessera/testing'
import { ingest } from '../service.ts'

export interface TestAgent {
  agentId: string
  orgId: string
  /** 8 lowercase hex digits; `A-${handle}` in Arden events. */
  handle: string
}

export interface TestKey {
  orgId: string
  apiKey: string
  userId: string
}

/**
 * Ingest in-process on a schema and stream prefix of its own, with guardian simulated by
 * publishing its events (orgs, keys, agents) onto the GUARDIAN stream, as guardian would.
 */
export class IngestHarness extends InProcessService {
  static async start(env: Record<string, string> = {}): Promise<IngestHarness> {
    const h = await startInProcess(ingest, { env: { INGEST_CATCH_UP_INTERVAL_MS: '500', ...env } })
    return new IngestHarness(h.replicas, h.schema, h.prefix, h.db, h.nc)
  }

  /** Publishes guardian's events, as guardian would. */
  async guardian(events: { type: string; data: unknown; streamId: string }[]) {
    const envelopes: Envelope[] = events.map((e) => ({
      type: e.type,
      data: e.data,
      metadata: metadataFor(e.streamId),
    }))
    await publishEnvelopes(jetstream(this.nc), 'guardian', envelopes, this.prefix)
  }

  /** A new org with an admin API key that acts for a user, once ingest has learned both. */
  async org(): Promise<TestKey> {
    const orgId = newId('org')
    await this.guardian([
      {
        type: 'OrgCreated',
        streamId: `org-${orgId}`,
        data: { orgId, name: 'Test org', createdAt: new Date().toISOString() },
      },
    ])
    const key = await this.key(orgId, 'admin')
    await eventually(
      async () => (await this.count('redaction_policies', sql`org_id = ${orgId}`)) > 0 || undefined,
      { what: 'policy' },
    )
    return key
  }

  /** Another API key of `orgId`, with `role`, once ingest has learned it. */
  async key(orgId: string, role: ApiKeyRole): Promise<TestKey> {
    const apiKey = newSecret('tsk_live_')
    const keyHash = sha256Hex(apiKey)
    const userId = ulid()
    await this.guardian([
      {
        type: 'ApiKeyIssued',
        streamId: `org-${orgId}`,
        data: {
          keyId: newId('key'),
          orgId,
          prefix: apiKey.slice(0, 12),
          keyHash,
          role,
          userId,
          issuedAt: new Date().toISOString(),
        },
      },
    ])
    await eventually(
      async () => (await this.count('api_keys', sql`key_hash = ${keyHash}`)) > 0 || undefined,
      { what: 'key' },
    )
    return { orgId, apiKey, userId }
  }

  /** Registers an agent of `orgId` (a random handle unless given) and waits until ingest knows it. */
  async agent(orgId: string, handle = randomBytes(4).toString('hex')): Promise<TestAgent> {
    const agentId = newId('agt')
    await this.guardian([
      {
        type: 'AgentRegistered',
        streamId: `agent-${agentId}`,
        data: {
          agentId,
          orgId,
          name: 'test agent',
          framework: 'vitest',
          capabilities: [],
          handle,
          registeredAt: new Date().toISOString(),
        },
      },
    ])
    await eventually(
      async () => (await this.count('known_agents', sql`agent_id = ${agentId}`)) > 0 || undefined,
      { what: 'agent' },
    )
    return { agentId, orgId, handle }
  }

  async revoke(agent: TestAgent) {
    await this.guardian([
      {
        type: 'AgentRevoked',
        streamId: `agent-${agent.agentId}`,
        data: {
          agentId: agent.agentId,
          orgId: agent.orgId,
          reason: 'test',
          revokedAt: new Date().toISOString(),
        },
      },
    ])
    await eventually(
      async () =>
        (await this.count(
          'known_agents',
          sql`agent_id = ${agent.agentId} and status = 'revoked'`,
        )) > 0 || undefined,
      { what: 'revocation' },
    )
  }

  /** Rows of the telemetry log matching `where`. */
  async count(table: string, where = sql`true`): Promise<number> {
    const { rows } = await sql<{
      n: string
    }>`select count(*) as n from ${sql.id(this.schema, table)} where ${where}`.execute(this.db)
    return Number(rows[0]?.n ?? 0)
  }

  async post<T = Record<string, unknown>>(
    path: string,
    body: unknown,
    init: { key?: string; contentType?: string; raw?: boolean } = {},
  ) {
    const res = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': init.contentType ?? 'application/json',
        ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
      },
      body: init.raw ? (body as string) : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T }
  }

  async get<T = Record<string, unknown>>(path: string, key: string) {
    const res = await fetch(`${this.url}${path}`, { headers: { authorization: `Bearer ${key}` } })
    return { status: res.status, body: (await res.json()) as T }
  }
}
