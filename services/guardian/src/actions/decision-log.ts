import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import type { ActionChecked } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import { DB, SERVICE_SCHEMA } from '@tessera/service-kit'

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
 */
@Injectable()
export class DecisionLog {
  private queue: Waiting[] = []
  private writing = false

  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  record(row: ActionChecked): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject })
      if (!this.writing) void this.drain()
    })
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
    const s = sql.id(this.schema)
    await sql`with input as (
        select * from json_to_recordset(${JSON.stringify(rows)}::json) as x(
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
      where s.session_id = c.session_id`.execute(this.db)
  }
}
