import { randomUUID } from 'node:crypto'
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common'
import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { SchemaDb } from '@tessera/event-store'
import {
  type ApiKeyRow,
  CONFIG,
  DB,
  LOGGER,
  NotifiedCache,
  PgListener,
  SERVICE_SCHEMA,
  findApiKey,
} from '@tessera/service-kit'
import type { AgentFacts, SessionFacts } from '../domain/action/check.ts'
import type { GuardianEnv } from '../guardian.env.ts'
import { type GuardPolicy, loadGuardPolicy } from '../policies/policies.repository.ts'

/** A session with the org it belongs to: another org's session is not found. */
export type CachedSession = SessionFacts & { orgId: string }

/**
 * What action checks read (API keys, agents, sessions, org policies), cached in this replica and
 * dropped row by row when Postgres says the row changed. The tables' triggers NOTIFY on
 * `<schema>_guard` at commit, so a revocation reaches every replica's cache within
 * milliseconds. While the LISTEN connection is down nothing is cached: every check reads
 * Postgres, and the cache starts empty again once it is back, so no notification can be missed.
 */
@Injectable()
export class GuardCache implements OnModuleInit, OnApplicationShutdown {
  private readonly listener: PgListener
  private readonly tables: Record<string, NotifiedCache<unknown>>
  private readonly agents: NotifiedCache<AgentFacts | null>
  private readonly sessions: NotifiedCache<CachedSession | null>
  private readonly policies: NotifiedCache<GuardPolicy>
  private readonly apiKeys: NotifiedCache<ApiKeyRow | null>
  /** Barriers waiting for their own notification to come back (see `sync`). */
  private readonly barriers = new Map<string, () => void>()

  constructor(
    @Inject(CONFIG) config: GuardianEnv,
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(LOGGER) log: Logger,
  ) {
    this.listener = new PgListener({
      connectionString: config.DATABASE_URL,
      channel: `${schema}_guard`,
      applicationName: 'guardian-guard-cache',
      log,
      onNotify: (payload) => this.invalidate(payload),
      onReset: () => this.clear(),
    })
    const listening = () => this.listener.listening
    this.agents = new NotifiedCache(listening)
    this.sessions = new NotifiedCache(listening)
    this.policies = new NotifiedCache(listening)
    this.apiKeys = new NotifiedCache(listening)
    this.tables = {
      agents: this.agents,
      sessions: this.sessions,
      guard_policies: this.policies,
      api_keys: this.apiKeys,
    }
  }

  async onModuleInit() {
    await this.listener.start()
  }

  async onApplicationShutdown() {
    await this.listener.stop()
  }

  /** The agent, or null when there is none (in any org: the caller compares orgs). */
  agent(agentId: string): Promise<AgentFacts | null> | AgentFacts | null {
    return this.agents.get(agentId, () => this.loadAgent(agentId))
  }

  session(sessionId: string): Promise<CachedSession | null> | CachedSession | null {
    return this.sessions.get(sessionId, () => this.loadSession(sessionId))
  }

  policy(orgId: string): Promise<GuardPolicy> | GuardPolicy {
    return this.policies.get(orgId, () => loadGuardPolicy(this.db, this.schema, orgId))
  }

  /** The `api_keys` row of a key hash: checks authenticate without a query. */
  apiKey(hash: string): Promise<ApiKeyRow | null> | ApiKeyRow | null {
    return this.apiKeys.get(hash, () => findApiKey(this.db, this.schema, hash))
  }

  /**
   * Read-your-writes for this replica: resolves once every change committed before the call
   * has reached the cache. Notifications arrive in commit order, so when a NOTIFY sent now
   * comes back, all earlier ones have been applied. Write endpoints await it before they
   * answer, so a check right after a revocation on the same replica sees it. Past a second
   * the cache is emptied instead.
   */
  async sync(): Promise<void> {
    if (!this.listener.listening) return
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

  private invalidate(payload: string) {
    const cut = payload.indexOf(':')
    const table = payload.slice(0, cut)
    if (table === 'sync') {
      this.barriers.get(payload)?.()
      return
    }
    const cache = this.tables[table]
    if (cache) cache.delete(payload.slice(cut + 1))
    else this.clear()
  }

  private clear() {
    for (const cache of Object.values(this.tables)) cache.clear()
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
