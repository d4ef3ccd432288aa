import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common'
import pg from 'pg'
import type { Logger } from 'pino'
import type { ActionChecked } from '@tessera/contracts'
import { CONFIG, LOGGER, SERVICE_SCHEMA } from '@tessera/service-kit'
import type { GuardianEnv } from '../guardian.env.ts'

interface Waiting {
  row: ActionChecked
  resolve: () => void
  reject: (err: unknown) => void
}

/** Rows per statement; more wait for the next one. */
const MAX_BATCH = 500

/**
 * Guardian's decision log, group-committed: checks that arrive while a write is in flight go
 * together in the next one, one statement that appends their rows and bumps their sessions'
 * counters. `record` resolves when its row is committed, so no answer is sent that is not on
 * record, and under load a commit costs a fraction of a check.
 *
 * It writes on a connection of its own: writes are serial anyway, the statement is prepared
 * once on it (planning the CTE cost more than running it for small batches), and the
 * connection carries the commit mode (GUARDIAN_DECISION_LOG_COMMIT).
 */
@Injectable()
export class DecisionLog implements OnApplicationShutdown {
  private queue: Waiting[] = []
  private writing = false
  private client: Promise<pg.Client> | undefined
  private readonly statement: string

  constructor(
    @Inject(CONFIG) private readonly config: GuardianEnv,
    @Inject(SERVICE_SCHEMA) schema: string,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.statement = appendStatement(pg.escapeIdentifier(schema))
  }

  record(row: ActionChecked): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject })
      if (!this.writing) void this.drain()
    })
  }

  async onApplicationShutdown() {
    // answers waiting for their rows get them written first
    while (this.writing) await new Promise((r) => setTimeout(r, 5))
    const client = await this.client?.catch(() => undefined)
    await client?.end().catch(() => undefined)
  }

  private async drain() {
    this.writing = true
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH)
      try {
        await this.write(batch.map((w) => w.row))
        for (const w of batch) w.resolve()
      } catch (err) {
        for (const w of batch) w.reject(err)
      }
    }
    this.writing = false
  }

  /** One statement, so it commits or fails whole: rows and counters never disagree. */
  private async write(rows: ActionChecked[]) {
    const client = await this.connection()
    try {
      await client.query({
        name: 'decision-log-append',
        text: this.statement,
        values: [JSON.stringify(rows)],
      })
    } catch (err) {
      // a broken connection is replaced for the next batch; this one fails (and its checks 5xx)
      if (!(err as { code?: string }).code) this.client = undefined
      throw err
    }
  }

  private connection(): Promise<pg.Client> {
    this.client ??= this.connect()
    return this.client
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'guardian-decision-log',
      ...(this.config.GUARDIAN_DECISION_LOG_COMMIT === 'async'
        ? { options: '-c synchronous_commit=off' }
        : {}),
    })
    client.on('error', (err) => {
      this.log.warn({ err }, 'decision log connection lost; the next batch reconnects')
      this.client = undefined
    })
    try {
      await client.connect()
      return client
    } catch (err) {
      this.client = undefined
      throw err
    }
  }
}

/** Appends rows and bumps their sessions' counters; `s` is the escaped schema, `$1` the rows' JSON. */
export function appendStatement(s: string): string {
  return `with input as (
      select * from json_to_recordset($1::json) as x(
        "checkId" text, "orgId" text, "agentId" text, "sessionId" text, action text,
        "toolName" text, "toolInputSummary" text, capability text, effect text,
        "effectSource" text, confidence real, decision text, reason text, rule text,
        "approvalId" text, "checkedAt" timestamptz)),
    appended as (
      insert into ${s}.action_checks (check_id, org_id, agent_id, session_id, action, tool_name,
        tool_input_summary, capability, effect, effect_source, confidence, decision, reason,
        rule, approval_id, checked_at)
      select "checkId", "orgId", "agentId", "sessionId", action, "toolName", "toolInputSummary",
        capability, effect, "effectSource", confidence, decision, reason, rule, "approvalId",
        "checkedAt" from input
      returning session_id, decision)
    update ${s}.sessions s set total_calls = s.total_calls + c.total,
      denied_calls = s.denied_calls + c.denied
    from (select session_id, count(*) as total,
        count(*) filter (where decision <> 'allow') as denied
      from appended where session_id is not null group by session_id) c
    where s.session_id = c.session_id`
}
