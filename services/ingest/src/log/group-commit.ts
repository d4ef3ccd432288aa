import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { v7 as uuidv7 } from 'uuid'
import type { TelemetryRecord } from '@tessera/contracts'
import { GroupCommitQueue, GroupFailure } from '@tessera/event-store'

/** A record before its group commits; the commit stamps `receivedAt`. */
export type PendingRecord = Omit<TelemetryRecord, 'receivedAt'>

/** An idempotency key stored with the records: a client batch id, or a bus intake sequence. */
export interface BatchClaim {
  orgId: string
  batchId: string
  contentHash: string
  /** What the first attempt answered; a retry gets it back. */
  response: unknown
}

export type StoreOutcome =
  | { stored: true; groupId: string; receivedAt: Date }
  | { stored: false; existing: { contentHash: string; response: unknown } }

export interface CommittedGroup {
  groupId: string
  receivedAt: Date
  records: TelemetryRecord[]
}

interface Item {
  records: PendingRecord[]
  claim?: BatchClaim
}

export interface GroupCommitOptions {
  /** Transactions at once; while they run, new submissions queue up and share the next one. */
  maxInFlight?: number
  /** Records per transaction at most. */
  maxGroupRecords?: number
  onCommitted(group: CommittedGroup): void
}

/**
 * Group commit: every submission waits for a transaction that also carries the submissions of
 * other concurrent requests, so one COPY and one fsync serve many of them. A submission
 * resolves only after its commit, which is when ingest may answer 2xx. One request's bad row
 * fails that request alone (GroupCommitQueue retries each alone).
 */
export class GroupCommitter {
  private readonly queue: GroupCommitQueue<Item, StoreOutcome>

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly opts: GroupCommitOptions,
  ) {
    this.queue = new GroupCommitQueue({
      maxInFlight: opts.maxInFlight ?? 2,
      maxGroupSize: opts.maxGroupRecords ?? 5000,
      size: (item) => item.records.length,
      commit: (items) => this.commit(items),
    })
  }

  submit(records: PendingRecord[], claim?: BatchClaim): Promise<StoreOutcome> {
    return this.queue.submit({ records, ...(claim ? { claim } : {}) })
  }

  /** Resolves once nothing is queued or committing. */
  idle(): Promise<void> {
    return this.queue.idle()
  }

  private async commit(items: Item[]): Promise<StoreOutcome[]> {
    const groupId = uuidv7()
    const receivedAt = new Date()
    const client = await this.pool.connect().catch((err: unknown) => {
      throw new GroupFailure(err)
    })
    let committing = false
    try {
      await client.query('begin')
      const losers = await this.claim(client, items)
      const winners = items.filter((i) => !losers.has(i))
      const records = winners.flatMap((i) => i.records)
      if (records.length) await this.insert(client, groupId, receivedAt, records)
      committing = true
      await client.query('commit')
      const existing = await this.existing(client, [...losers])
      if (records.length) {
        const iso = receivedAt.toISOString()
        this.opts.onCommitted({
          groupId,
          receivedAt,
          records: records.map((r) => ({ ...r, receivedAt: iso })),
        })
      }
      return items.map((i) =>
        losers.has(i)
          ? { stored: false, existing: existing.get(claimKey(i.claim!))! }
          : { stored: true, groupId, receivedAt },
      )
    } catch (err) {
      await client.query('rollback').catch(() => undefined)
      // Once COMMIT was sent the group may have committed: a retry could store it twice.
      throw committing ? new GroupFailure(err) : err
    } finally {
      client.release()
    }
  }

  /** Inserts the group's claims; returns the items whose key was already taken. */
  private async claim(client: pg.PoolClient, items: Item[]): Promise<Set<Item>> {
    const losers = new Set<Item>()
    const first = new Map<string, Item>()
    for (const i of items) {
      if (!i.claim) continue
      const key = claimKey(i.claim)
      if (first.has(key)) losers.add(i)
      else first.set(key, i)
    }
    if (first.size === 0) return losers
    const claims = [...first.values()].map(({ claim: c }) => ({
      org_id: c!.orgId,
      batch_id: c!.batchId,
      content_hash: c!.contentHash,
      response: c!.response,
    }))
    // ON CONFLICT DO NOTHING waits for a concurrent claimant to commit, then reports no row.
    const { rows } = await client.query<{ org_id: string; batch_id: string }>(
      `insert into ${this.table('telemetry_batches')} (org_id, batch_id, content_hash, response)
       select org_id, batch_id, content_hash, response from json_to_recordset($1::json)
         as r(org_id text, batch_id text, content_hash text, response jsonb)
       on conflict do nothing returning org_id, batch_id`,
      [JSON.stringify(claims)],
    )
    const won = new Set(rows.map((r) => `${r.org_id}\u0000${r.batch_id}`))
    for (const [key, i] of first) if (!won.has(key)) losers.add(i)
    return losers
  }

  private async insert(
    client: pg.PoolClient,
    groupId: string,
    receivedAt: Date,
    records: PendingRecord[],
  ) {
    // COPY, the cheapest way into Postgres (each column parsed once); the outbox row follows in
    // the same transaction, so both commit or neither does.
    const received = receivedAt.toISOString()
    const lines = records.map((r) =>
      [
        r.eventId,
        groupId,
        received,
        r.occurredAt,
        copyText(r.orgId),
        copyText(r.agentId),
        r.protocol,
        r.type,
        r.sessionId === null ? NULL : copyText(r.sessionId),
        r.pactId === null ? NULL : copyText(r.pactId),
        copyText(JSON.stringify(r.data)),
      ].join('\t'),
    )
    const copy = client.query(
      copyFrom(`copy ${this.table('telemetry_events')} (event_id, group_id, received_at,
        occurred_at, org_id, agent_id, protocol, type, session_id, pact_id, data) from stdin`),
    )
    await pipeline(Readable.from([lines.join('\n') + '\n']), copy)
    await client.query(
      `insert into ${this.table('telemetry_outbox')} (group_id, received_at, event_count)
       values ($1, $2, $3)`,
      [groupId, receivedAt, records.length],
    )
  }

  private async existing(client: pg.PoolClient, losers: Item[]) {
    const found = new Map<string, { contentHash: string; response: unknown }>()
    if (losers.length === 0) return found
    const { rows } = await client.query<{
      org_id: string
      batch_id: string
      content_hash: string
      response: unknown
    }>(
      `select org_id, batch_id, content_hash, response from ${this.table('telemetry_batches')}
       where (org_id, batch_id) in (select * from unnest($1::text[], $2::text[]))`,
      [losers.map((i) => i.claim!.orgId), losers.map((i) => i.claim!.batchId)],
    )
    for (const r of rows)
      found.set(`${r.org_id}\u0000${r.batch_id}`, {
        contentHash: r.content_hash,
        response: r.response,
      })
    return found
  }

  private table(name: string) {
    return `"${this.schema}"."${name}"`
  }
}

const claimKey = (c: BatchClaim) => `${c.orgId}\u0000${c.batchId}`

/** COPY's text format: NULL is `\N`, and backslash, tab, newline and CR are escaped. */
const NULL = '\\N'
const COPY_SPECIAL = /[\\\t\n\r]/g
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }
function copyText(s: string): string {
  return s.replace(COPY_SPECIAL, (c) => COPY_ESCAPES[c]!)
}
