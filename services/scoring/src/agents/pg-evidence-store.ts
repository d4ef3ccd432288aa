import { sql } from 'kysely'
import type { ScoreChanged } from '@tessera/contracts'
import type { SchemaTx, StreamAppend } from '@tessera/event-store'
import type { EventLog } from '@tessera/service-kit'
import type { Evidence, Link } from '../domain/trust/evidence.ts'
import {
  type EvidenceStore,
  type StoredProfile,
  rebuildAll,
} from '../domain/trust/trust-projection.ts'
import { MODEL_VERSION } from '../domain/trust/trust-model.ts'
import {
  type TelemetryDay,
  mergeDays,
  movesProfile,
  telemetryEvidence,
} from '../domain/trust/telemetry.ts'

interface TelemetryRow {
  agent_id: string
  day: string
  records: number
  calls: number
  errors: number
  slow: number
  last_at: string
}
const dayOf = (r: TelemetryRow): TelemetryDay => ({
  agentId: r.agent_id,
  day: r.day,
  records: r.records,
  calls: r.calls,
  errors: r.errors,
  slow: r.slow,
  lastAt: r.last_at,
})
const telemetryOf = (r: TelemetryRow): Evidence => telemetryEvidence(dayOf(r))

/**
 * The one lock every writer of profiles takes: without it, two batches (of different contexts,
 * or telemetry) could each recompute an agent without the other's uncommitted evidence.
 */
export async function lockProfiles(tx: SchemaTx, schema: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`tessera.trust-profiles:${schema}`}))`.execute(
    tx,
  )
}

/** The evidence set and the profiles in Postgres, inside the consumer batch's transaction. */
export class PgEvidenceStore implements EvidenceStore {
  private readonly s
  constructor(
    private readonly tx: SchemaTx,
    schema: string,
    private readonly context: string,
    /** null: a store that only reads (the explanation); writing through it is refused. */
    private readonly log: EventLog | null,
  ) {
    this.s = sql.id(schema)
  }

  async add(evidence: readonly Evidence[], links: readonly Link[]): Promise<string[]> {
    // The batch goes as one json array (one JSON.stringify here, where text arrays made the
    // driver escape every element); each element becomes jsonb once (`offset 0` keeps Postgres
    // from inlining the cast into each use), and its id and key are read from that.
    const fresh =
      evidence.length === 0
        ? []
        : (
            await sql<{ key: string }>`insert into ${this.s}.trust_evidence (id, key, context, data)
              select y.j->>'id', y.j->>'key', ${this.context}, y.j
              from json_array_elements(${JSON.stringify(evidence)}::json) as x(e),
                lateral (select x.e::jsonb as j offset 0) as y
              on conflict do nothing
              returning key`.execute(this.tx)
          ).rows
    // Evidence keyed by its own agent (each denial, each telemetry day) links the same pair again
    // and again: each pair is sent once.
    const pairs = new Map<string, Link>()
    for (const l of links) pairs.set(`${l.key}\u0000${l.agentId}`, l)
    if (pairs.size > 0)
      await sql`insert into ${this.s}.trust_links (key, agent_id, context)
        select x.key, x.agent_id, ${this.context}
        from unnest(${[...pairs.values()].map((l) => l.key)}::text[],
          ${[...pairs.values()].map((l) => l.agentId)}::text[]) as x(key, agent_id)
        on conflict do nothing`.execute(this.tx)
    return [...new Set(fresh.map((r) => r.key))]
  }

  /**
   * One statement for the batch: each agent-day's counts added to what is stored; the days
   * before it (read first, under the profiles' lock) tell which agents' profiles move.
   */
  async addTelemetry(days: readonly TelemetryDay[]): Promise<string[]> {
    if (days.length === 0) return []
    const col = <T>(f: (d: TelemetryDay) => T) => days.map(f)
    const stored = await sql<TelemetryRow>`select t.* from ${this.s}.trust_telemetry_days t
      join unnest(${col((d) => d.agentId)}::text[], ${col((d) => d.day)}::text[]) as x(a, d)
        on t.agent_id = x.a and t.day = x.d`.execute(this.tx)
    const before = new Map(stored.rows.map((r) => [`${r.agent_id}|${r.day}`, dayOf(r)]))
    const moved = new Set<string>()
    for (const d of days) {
      const was = before.get(`${d.agentId}|${d.day}`)
      if (movesProfile(was, was ? mergeDays(was, d) : d)) moved.add(d.agentId)
    }
    await sql`insert into ${this.s}.trust_telemetry_days as t (agent_id, day, records, calls,
        errors, slow, last_at)
      select * from unnest(${col((d) => d.agentId)}::text[], ${col((d) => d.day)}::text[],
        ${col((d) => d.records)}::int[], ${col((d) => d.calls)}::int[],
        ${col((d) => d.errors)}::int[], ${col((d) => d.slow)}::int[], ${col((d) => d.lastAt)}::text[])
      on conflict (agent_id, day) do update set records = t.records + excluded.records,
        calls = t.calls + excluded.calls, errors = t.errors + excluded.errors,
        slow = t.slow + excluded.slow, last_at = greatest(t.last_at, excluded.last_at)`.execute(
      this.tx,
    )
    return [...moved]
  }

  async agentsOf(keys: readonly string[]): Promise<string[]> {
    const { rows } = await sql<{ agent_id: string }>`
      select distinct agent_id from ${this.s}.trust_links where key = any(${[...keys]}::text[])`.execute(
      this.tx,
    )
    return rows.map((r) => r.agent_id)
  }

  async evidenceOf(agents: readonly string[]): Promise<Evidence[]> {
    const { rows } = await sql<{ data: Evidence }>`
      select e.data from ${this.s}.trust_evidence e
      where e.key in (select distinct key from ${this.s}.trust_links where agent_id = any(${[...agents]}::text[]))`.execute(
      this.tx,
    )
    const days = await sql<TelemetryRow>`select * from ${this.s}.trust_telemetry_days
      where agent_id = any(${[...agents]}::text[])`.execute(this.tx)
    return [...rows.map((r) => r.data), ...days.rows.map(telemetryOf)]
  }

  async flaggedCounterparties(agents: readonly string[]): Promise<string[]> {
    const { rows } = await sql<{ c: string }>`
      select distinct unnest(flagged_counterparties) as c from ${this.s}.agent_profiles
      where agent_id = any(${[...agents]}::text[])`.execute(this.tx)
    return rows.map((r) => r.c)
  }

  /** The profiles written, then ScoreChanged for those whose score or tier moved. */
  async write(profiles: readonly StoredProfile[]): Promise<void> {
    await this.upsert(profiles)
    await this.publishChanges(profiles)
  }

  private async upsert(profiles: readonly StoredProfile[]): Promise<void> {
    if (profiles.length === 0) return
    const col = <T>(f: (p: StoredProfile, i: number) => T) => profiles.map(f)
    // Columns as arrays (unnest): the profile text travels as it is, not escaped into, and
    // parsed back out of, one jsonb document. The explanation is built on read.
    await sql`insert into ${this.s}.agent_profiles (agent_id, org_id, did, handle, composite_score,
        bond_tier, flagged_counterparties, model_version, profile)
      select x.agent_id, x.org_id, x.did, x.handle, x.composite_score, x.bond_tier,
        array(select jsonb_array_elements_text(x.flagged::jsonb)), ${MODEL_VERSION}, x.profile
      from unnest(${col((p) => p.agentId)}::text[], ${col((p) => p.orgId)}::text[],
        ${col((p) => p.did)}::text[], ${col((p) => p.handle)}::text[],
        ${col((p) => p.compositeScore)}::int[], ${col((p) => p.bondTier)}::int[],
        ${col((p) => JSON.stringify(p.flaggedCounterparties))}::text[],
        ${col((p) => p.profileJson)}::text[])
        as x(agent_id, org_id, did, handle, composite_score, bond_tier, flagged, profile)
      on conflict (agent_id) do update set org_id = excluded.org_id, did = excluded.did,
        handle = excluded.handle, composite_score = excluded.composite_score,
        bond_tier = excluded.bond_tier, flagged_counterparties = excluded.flagged_counterparties,
        model_version = excluded.model_version, profile = excluded.profile`.execute(this.tx)
  }

  async rebuilding(context: string): Promise<boolean> {
    const { rows } = await sql`select 1 from ${this.s}.trust_rebuilding
      where context = ${context}`.execute(this.tx)
    return rows.length > 0
  }

  async rebuilt(context: string): Promise<void> {
    await sql`delete from ${this.s}.trust_rebuilding where context = ${context}`.execute(this.tx)
  }

  /**
   * Every profile from the whole evidence set, in one pass (`rebuildAll`), written in chunks;
   * then ScoreChanged for every agent whose score moved since the last published. Used at the
   * end of a rebuild and when the model version changed.
   */
  async reprofileAll(): Promise<number> {
    const { rows } = await sql<{
      data: Evidence
    }>`select data from ${this.s}.trust_evidence`.execute(this.tx)
    const days = await sql<TelemetryRow>`select * from ${this.s}.trust_telemetry_days`.execute(
      this.tx,
    )
    const profiles = rebuildAll([...rows.map((r) => r.data), ...days.rows.map(telemetryOf)])
    // published below, once, for the net moves
    for (let i = 0; i < profiles.length; i += 1000) await this.upsert(profiles.slice(i, i + 1000))
    await sql`delete from ${this.s}.agent_profiles
      where agent_id <> all(${profiles.map((p) => p.agentId)}::text[])`.execute(this.tx)
    const moved = await sql<{ agent_id: string; composite_score: number; bond_tier: number }>`
      select p.agent_id, p.composite_score, p.bond_tier from ${this.s}.agent_profiles p
      left join ${this.s}.published_agent_scores x using (agent_id)
      where x.agent_id is null or x.composite_score <> p.composite_score
        or x.bond_tier <> p.bond_tier
      order by p.agent_id`.execute(this.tx)
    await this.publishChanges(
      moved.rows.map((r) => ({
        agentId: r.agent_id,
        compositeScore: r.composite_score,
        bondTier: r.bond_tier,
      })),
    )
    return profiles.length
  }

  /** ScoreChanged for each agent whose composite or bond tier moved since the last one published. */
  private async publishChanges(
    profiles: readonly Pick<StoredProfile, 'agentId' | 'compositeScore' | 'bondTier'>[],
  ): Promise<void> {
    if (profiles.length === 0) return
    const log = this.log
    if (!log) throw new Error('PgEvidenceStore: a read-only store publishes no ScoreChanged')
    const rebuilding = await sql`select 1 from ${this.s}.trust_rebuilding limit 1`.execute(this.tx)
    if (rebuilding.rows.length > 0) return
    const { rows } = await sql<{ agent_id: string; composite_score: number; bond_tier: number }>`
      select agent_id, composite_score, bond_tier from ${this.s}.published_agent_scores
      where agent_id = any(${profiles.map((p) => p.agentId)}::text[]) for update`.execute(this.tx)
    const last = new Map(rows.map((r) => [r.agent_id, r]))
    const moved: (typeof profiles)[number][] = []
    const appends: StreamAppend[] = []
    for (const p of profiles) {
      const before = last.get(p.agentId)
      if (before && before.composite_score === p.compositeScore && before.bond_tier === p.bondTier)
        continue
      const data: ScoreChanged = {
        subjectKind: 'agent',
        subjectId: p.agentId,
        score: p.compositeScore,
        previousScore: before?.composite_score ?? null,
        modelVersion: MODEL_VERSION,
        reasons: [
          {
            code: 'COMPOSITE',
            weight: p.compositeScore - (before?.composite_score ?? p.compositeScore),
            detail: 'see GET /api/v1/trust/:id/explain',
          },
        ],
        bondTier: p.bondTier,
        previousBondTier: before?.bond_tier ?? null,
      }
      appends.push({
        streamId: `score-agent-${p.agentId}`,
        expected: 'any',
        events: [{ type: 'ScoreChanged', data }],
        ctx: { actor: { kind: 'system', id: 'scoring' } },
      })
      moved.push(p)
    }
    // One statement for the batch's events (a batch can move hundreds of agents). 'any' is safe:
    // every writer of these streams holds the profiles' lock.
    if (appends.length > 0) await log.appendMany(appends, this.tx)
    if (moved.length === 0) return
    // What was just published, in one statement for the whole batch.
    await sql`insert into ${this.s}.published_agent_scores (agent_id, composite_score, bond_tier)
      select * from unnest(${moved.map((p) => p.agentId)}::text[],
        ${moved.map((p) => p.compositeScore)}::int[], ${moved.map((p) => p.bondTier)}::int[])
      on conflict (agent_id) do update set composite_score = excluded.composite_score,
        bond_tier = excluded.bond_tier`.execute(this.tx)
  }
}
