import { randomUUID } from 'node:crypto'
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common'
import { sql } from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import type { SchemaDb } from '@tessera/event-store'
import {
  type ApiKeyRow,
  CONFIG,
  DB,
  LOGGER,
  SERVICE_SCHEMA,
  findApiKey,
} from '@tessera/service-kit'
import type { AgentFacts, SessionFacts } from '../domain/action/check.ts'
import type { GuardianEnv } from '../guardian.env.ts'
import { type GuardPolicy, loadGuardPolicy } from '../policies/policies.repository.ts'

/** A session with the org it belongs to: another org's session is not found. */
export type CachedSession = SessionFacts & { orgId: string }

/** Past this many entries a map is emptied: a cache, not a copy of the tables. */
const MAX_ENTRIES = 100_000
const RECONNECT_MS = 500

/**
 * What action checks read (API keys, agents, sessions, org policies), cached in this replica and
 * dropped row by row when Postgres says the row changed. The tables' triggers NOTIFY on
 * `<schema>_guard` at commit, so a revocation reaches every replica's cache within
 * milliseconds. While the LISTEN connection is down nothing is cached: every check reads
 * Postgres, and the cache starts empty again once it is back, so no notification can be missed.
 */
@Injectable()
export class GuardCache implements OnModuleInit, OnApplicationShutdown {
  private readonly agents = new Map<string, AgentFacts | null>()
  private readonly sessions = new Map<string, CachedSession | null>()
  private readonly policies = new Map<string, GuardPolicy>()
  private readonly apiKeys = new Map<string, ApiKeyRow | null>()
  /** Bumped by every notification: a load that raced one is used once, not cached. */
  private epoch = 0
  private listening = false
  private client: pg.Client | undefined
  private stopped = false
  private reconnect: NodeJS.Timeout | undefined
  /** Barriers waiting for their own notification to come back (see `sync`). */
  private readonly barriers = new Map<string, () => void>()

  constructor(
    @Inject(CONFIG) private readonly config: GuardianEnv,
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onModuleInit() {
    await this.listen()
  }

  async onApplicationShutdown() {
    this.stopped = true
    clearTimeout(this.reconnect)
    await this.client?.end().catch(() => undefined)
  }

  /** The agent, or null when there is none (in any org: the caller compares orgs). */
  agent(agentId: string): Promise<AgentFacts | null> | AgentFacts | null {
    return this.cached(this.agents, agentId, () => this.loadAgent(agentId))
  }

  session(sessionId: string): Promise<CachedSession | null> | CachedSession | null {
    return this.cached(this.sessions, sessionId, () => this.loadSession(sessionId))
  }

  policy(orgId: string): Promise<GuardPolicy> | GuardPolicy {
    return this.cached(this.policies, orgId, () => loadGuardPolicy(this.db, this.schema, orgId))
  }

  /** The `api_keys` row of a key hash: checks authenticate without a query. */
  apiKey(hash: string): Promise<ApiKeyRow | null> | ApiKeyRow | null {
    return this.cached(this.apiKeys, hash, () => findApiKey(this.db, this.schema, hash))
  }

  /**
   * Read-your-writes for this replica: resolves once every change committed before the call
   * has reached the cache. Notifications arrive in commit order, so when a NOTIFY sent now
   * comes back, all earlier ones have been applied. Write endpoints await it before they
   * answer, so a check right after a revocation on the same replica sees it. Past a second
   * the cache is emptied instead.
   */
  async sync(): Promise<void> {
    if (!this.listening) return
    const nonce = `sync:${randomUUID()}`
    const back = new Promise<void>((resolve) => this.barriers.set(nonce, resolve))
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>(
      (resolve) => (timer = setTimeout(() => resolve('late'), 1_000)),
    )
    await sql`select pg_notify(${`${this.schema}_guard`}, ${nonce})`.execute(this.db)
    if ((await Promise.race([back, late])) === 'late') this.clear()
    clearTimeout(timer)
    this.barriers.delete(nonce)
  }

  /** A hit is returned synchronously: the hot path awaits nothing it does not have to. */
  private cached<T>(map: Map<string, T>, key: string, load: () => Promise<T>): Promise<T> | T {
    if (this.listening) {
      const hit = map.get(key)
      if (hit !== undefined) return hit
    }
    const epoch = this.epoch
    return load().then((value) => {
      if (this.listening && epoch === this.epoch) {
        if (map.size >= MAX_ENTRIES) map.clear()
        map.set(key, value)
      }
      return value
    })
  }

  private invalidate(payload: string) {
    const cut = payload.indexOf(':')
    const table = payload.slice(0, cut)
    const key = payload.slice(cut + 1)
    if (table === 'sync') {
      this.barriers.get(payload)?.()
      return
    }
    this.epoch++
    if (table === 'agents') this.agents.delete(key)
    else if (table === 'sessions') this.sessions.delete(key)
    else if (table === 'guard_policies') this.policies.delete(key)
    else if (table === 'api_keys') this.apiKeys.delete(key)
    else this.clear()
  }

  private clear() {
    this.epoch++
    this.agents.clear()
    this.sessions.clear()
    this.policies.clear()
    this.apiKeys.clear()
  }

  private async listen() {
    const client = new pg.Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'guardian-guard-cache',
    })
    const lost = (err?: Error) => {
      if (this.client !== client) return
      this.listening = false
      this.client = undefined
      this.clear()
      void client.end().catch(() => undefined)
      if (this.stopped) return
      this.log.warn(
        { err },
        'guard cache: LISTEN connection lost; reading Postgres until it is back',
      )
      this.reconnect = setTimeout(() => void this.listen(), RECONNECT_MS)
    }
    this.client = client
    client.on('notification', (msg) => this.invalidate(msg.payload ?? ''))
    client.on('error', lost)
    client.on('end', () => lost())
    try {
      await client.connect()
      await client.query(`listen ${client.escapeIdentifier(`${this.schema}_guard`)}`)
      // anything cached before this point may have missed a notification
      this.clear()
      this.listening = true
    } catch (err) {
      lost(err as Error)
    }
  }

  private async loadAgent(agentId: string): Promise<AgentFacts | null> {
    const { rows } = await sql<{
      org_id: string
      status: 'active' | 'revoked'
      capabilities: string[]
    }>`select org_id, status, capabilities from ${sql.id(this.schema)}.agents
      where agent_id = ${agentId}`.execute(this.db)
    const r = rows[0]
    return r ? { agentId, orgId: r.org_id, status: r.status, capabilities: r.capabilities } : null
  }

  private async loadSession(sessionId: string): Promise<CachedSession | null> {
    const { rows } = await sql<{
      org_id: string
      agent_id: string
      status: 'active' | 'closed'
      mode: SessionFacts['mode']
      scope_ceiling: string[]
      delegation_id?: string | null
      expires_at?: Date | null
    }>`select * from ${sql.id(this.schema)}.sessions where session_id = ${sessionId}`.execute(
      this.db,
    )
    const r = rows[0]
    return r
      ? {
          sessionId,
          orgId: r.org_id,
          agentId: r.agent_id,
          status: r.status,
          mode: r.mode,
          scopeCeiling: r.scope_ceiling,
          delegationId: r.delegation_id ?? null,
          expiresAt: r.expires_at ?? null,
        }
      : null
  }
}
