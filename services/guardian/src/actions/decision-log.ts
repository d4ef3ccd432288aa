import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common'
import { CompiledQuery } from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import type { ActionChecked } from '@tessera/contracts'
import { GroupCommitQueue, GroupFailure, type SchemaDb } from '@tessera/event-store'
import { CONFIG, LOGGER, SERVICE_SCHEMA } from '@tessera/service-kit'
import type { GuardianEnv } from '../guardian.env.ts'

/** Rows per statement; more wait for the next one. */
const MAX_BATCH = 500

/**
 * Guardian's decision log, group-committed: checks that arrive while a write is in flight go
 * together in the next one, one statement that appends their rows and bumps their sessions'
 * counters. `record` resolves when its row is committed, so no answer is sent that is not on
 * record, and under load a commit costs a fraction of a check. A row Postgres refuses fails
 * its own check only: the group is then written again one row at a time.
 *
 * It writes on a connection of its own: writes are serial anyway, the statement is prepared
 * once on it (planning the CTE cost more than running it for small batches), and the
 * connection carries the commit mode (GUARDIAN_DECISION_LOG_COMMIT).
 */
@Injectable()
export class DecisionLog implements OnApplicationShutdown {
  private client: Promise<pg.Client> | undefined
  private readonly queue: GroupCommitQueue<ActionChecked>

  constructor(
    @Inject(CONFIG) private readonly config: GuardianEnv,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.queue = new GroupCommitQueue({
      maxGroupSize: MAX_BATCH,
      commit: async (rows) => {
        await this.write(rows)
        return rows.map(() => undefined)
      },
    })
  }

  record(row: ActionChecked): Promise<void> {
    return this.queue.submit(row)
  }

  async onApplicationShutdown() {
    // answers waiting for their rows get them written first
    await this.queue.idle()
    const client = await this.client?.catch(() => undefined)
    await client?.end().catch(() => undefined)
  }

  private async write(rows: ActionChecked[]) {
    const client = await this.connection().catch((err: unknown) => {
      throw new GroupFailure(err)
    })
    try {
      await appendCheckRows(client, this.schema, rows)
    } catch (err) {
      // Postgres refused the statement, so nothing of it was written: the queue retries the
      // rows one by one. Anything else (the connection broke) may have committed: the group
      // fails whole, and a new connection serves the next one.
      if (err instanceof pg.DatabaseError) throw err
      this.client = undefined
      throw new GroupFailure(err)
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

/**
 * Appends checks' rows to the decision log and bumps their sessions' counters, in one
 * statement, so it commits or fails whole: rows and counters never disagree. `db` is a pg
 * client (the log's own connection, where the statement stays prepared) or a kysely db or
 * transaction (a row that must commit with other writes).
 */
export async function appendCheckRows(
  db: pg.ClientBase | SchemaDb,
  schema: string,
  rows: readonly ActionChecked[],
): Promise<void> {
  const { name, text } = appendStatement(schema)
  const values = [JSON.stringify(rows)]
  if ('executeQuery' in db) await db.executeQuery(CompiledQuery.raw(text, values))
  else await db.query({ name, text, values })
}

/** The statement per schema, and a prepared-statement name that is this text's alone. */
const statements = new Map<string, { name: string; text: string }>()

function appendStatement(schema: string): { name: string; text: string } {
  let statement = statements.get(schema)
  if (!statement) {
    statement = {
      name: `decision-log-append-${statements.size + 1}`,
      text: appendSql(pg.escapeIdentifier(schema)),
    }
    statements.set(schema, statement)
  }
  return statement
}

function appendSql(s: string): string {
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
