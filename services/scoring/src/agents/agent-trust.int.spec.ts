import { randomUUID } from 'node:crypto'
import { v7 as uuidv7 } from 'uuid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { publishEnvelopes } from '@tessera/bus'
import {
  type Envelope,
  type TrustExplanation,
  type TrustProfile,
  streamName,
  telemetryRecordsSubject,
} from '@tessera/contracts'
import { durableName, rebuildProjection } from '@tessera/projections'
import { toProjection } from '@tessera/service-kit'
import { type InProcessService, eventually, metadataFor, startInProcess } from '@tessera/testing'
import { scoring } from '../service.ts'
import { type BusEvent, denial, market } from '../testing/market.ts'
import { linksOf, toEvidence } from '../domain/trust/evidence.ts'
import { PgEvidenceStore } from './pg-evidence-store.ts'
import { EscrowTrustEvidence, trustEvidenceConsumers } from './trust-evidence.consumers.ts'
import { ModelVersionReprofiler } from './model-version.worker.ts'
import { SEEN_RETENTION_SECONDS, pruneSeen } from './telemetry-trust.consumer.ts'

let svc: InProcessService
const m = market({
  seed: 42,
  orgs: 3,
  honestAgents: 6,
  honestTrades: 40,
  denials: 3,
  elevations: 4,
  rings: [{ size: 2, camouflage: 0, tradesPerEdge: 12 }],
})

beforeAll(async () => {
  svc = await startInProcess(scoring)
})
afterAll(async () => {
  await svc?.stop()
})

function envelope(e: BusEvent): Envelope {
  return { type: e.type, data: e.data, metadata: { ...metadataFor(e.context), eventId: e.eventId } }
}
async function publish(events: readonly BusEvent[]) {
  const js = jetstream(svc.nc)
  for (const context of ['guardian', 'pacts', 'escrow', 'jury'] as const) {
    const mine = events.filter((e) => e.context === context).map(envelope)
    for (let i = 0; i < mine.length; i += 200)
      await publishEnvelopes(js, context, mine.slice(i, i + 200), svc.prefix)
  }
}
async function get<T>(path: string) {
  const res = await fetch(`${svc.url}/api/v1/trust/${path}`)
  return { status: res.status, body: (await res.json()) as T & { code?: string } }
}
const profilesTable = async () =>
  (
    await sql<{ agent_id: string; profile: string }>`
      select agent_id, profile from ${sql.id(svc.schema)}.agent_profiles
      order by agent_id`.execute(svc.db)
  ).rows

describe('agent trust profiles', () => {
  it('reflects a settled pact soon after its events are on the bus (goal 1 s, bound 5 s)', async () => {
    await publish(m.events)
    const seller = m.agents[1]!
    await eventually(
      async () => {
        const r = await get<TrustProfile>(seller.agentId)
        return r.status === 200 && r.body.tasksCompleted90d > 0 ? r : undefined
      },
      { what: 'the market in the profiles', timeoutMs: 30_000 },
    )
    // now one more trade, timed from its last event
    const extra = market({ seed: 43, orgs: 1, honestAgents: 2, honestTrades: 1, rings: [] })
    const sellerId = (
      extra.events.find((e) => e.type === 'EscrowCreated')!.data['seller'] as { agentId: string }
    ).agentId
    const started = Date.now()
    await publish(extra.events)
    const p = await eventually(
      async () => {
        const r = await get<TrustProfile>(sellerId)
        return r.status === 200 &&
          r.body.lastActiveAt !== null &&
          r.body.incidentCount90d + r.body.tasksCompleted90d > 0
          ? r.body
          : undefined
      },
      { what: 'the new trade in the profile', intervalMs: 10 },
    )
    // The goal is 1 s (bench/scoring.bench.ts measures the lag's p99). The bound here is generous,
    // as the issue asks: a full CI run on 2 shared cores must not fail on load alone.
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(p.modelVersion).toMatch(/^v3/)
  })

  it('resolves an agent id, its handle and A-handle; anything else is a 404', async () => {
    const a = m.agents[0]!
    const byId = await get<TrustProfile>(a.agentId)
    expect(byId.status).toBe(200)
    expect(byId.body.agentId).toBe(`agent:${a.agentId}`)
    expect((await get<TrustProfile>(`A-${a.handle}`)).body.tesseraAgentId).toBe(a.agentId)
    expect((await get<TrustProfile>(a.handle)).body.tesseraAgentId).toBe(a.agentId)
    expect((await get(`agt_${'z'.repeat(26)}`)).status).toBe(404)
    expect((await get('did:key:z6MkUnknown')).status).toBe(404)
    expect((await get('whatever')).status).toBe(404)
  })

  it('shows the ring’s flags in profile and explanation, and puts the org under review', async () => {
    const ringMember = m.agents[m.agents.length - 1]!
    const p = (await get<TrustProfile>(ringMember.agentId)).body
    expect(p.anomalyFlags.length).toBe(24)
    expect(p.anomalyFlags[0]!.signals).toContain('same_org')
    expect(p.orgUnderReview).toBe(true)
    expect(p.tasksCompleted90d).toBe(0)
    const x = (await get<TrustExplanation>(`${ringMember.agentId}/explain`)).body
    expect(x.excluded.length).toBe(24)
    expect(Object.keys(x.dimensions)).toHaveLength(9)
  })

  it('evaluates a policy; a bad policy is a 400', async () => {
    const a = m.agents[1]!
    const res = await fetch(`${svc.url}/api/v1/trust/${a.agentId}/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        policy: {
          minCompositeScore: 0,
          minBondTier: 0,
          minFulfillmentRate90d: 0,
          maxDaysInactive: 3650,
        },
      }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ approved: true, reasons: [], preset: 'standard' })
    const strict = await fetch(`${svc.url}/api/v1/trust/${a.agentId}/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ policy: { amount: '9000000000' } }),
    })
    expect(await strict.json()).toMatchObject({ approved: false, preset: 'high_value' })
    const bad = await fetch(`${svc.url}/api/v1/trust/${a.agentId}/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ policy: { minCompositeScore: 'high' } }),
    })
    expect(bad.status).toBe(400)
  })

  it('publishes ScoreChanged for agents, once per move', async () => {
    const { rows } = await sql<{
      n: number
    }>`select count(*)::int as n from ${sql.id(svc.schema)}.events
      where type = 'ScoreChanged' and stream_id like 'score-agent-%'`.execute(svc.db)
    expect(rows[0]!.n).toBeGreaterThan(0)
  })

  it('stores a redelivered evidence once, and says only new evidence is new', async () => {
    const [stored] = toEvidence(m.events.find((e) => e.type === 'EscrowCreated')!)
    const fresh = { ...stored!, id: randomUUID() }
    const rollback = new Error('rollback')
    const tried = svc.db.transaction().execute(async (tx) => {
      const store = new PgEvidenceStore(tx, svc.schema, 'escrow', null)
      // the live consumer stored it already: nothing new, so nothing to recompute
      expect(await store.add([stored!], linksOf(stored!))).toEqual([])
      expect(await store.add([fresh, stored!], linksOf(fresh))).toEqual([fresh.key])
      throw rollback
    })
    await expect(tried).rejects.toBe(rollback)
    // so the trust consumers keep no inbox row per event (their evidence is the set)
    const { rows } = await sql<{ projection: string; n: number }>`select projection,
        count(*)::int as n from ${sql.id(svc.schema)}.projection_inbox group by projection`.execute(
      svc.db,
    )
    expect(rows.filter((r) => /^trust-(escrow|jury|pacts|guardian)$/.test(r.projection))).toEqual(
      [],
    )
  })

  it('telemetry on the bus moves the profile once per message, and shows in /explain', async () => {
    // A new agent with nothing but its registration: the neutral profile.
    const fresh = market({ seed: 44, orgs: 1, honestAgents: 1, honestTrades: 0, rings: [] })
    const agent = fresh.agents[0]!
    await publish(fresh.events)
    const before = await eventually(async () => {
      const r = await get<TrustProfile>(agent.agentId)
      return r.status === 200 ? r.body : undefined
    })
    expect(before.compositeScore).toBe(630)
    // 25 tool calls on one day: 5 failed (20% > 10%), 4 slow (16% > 10%).
    const at = (i: number) => `2026-12-01T10:00:${String(i).padStart(2, '0')}.000Z`
    const message = {
      groupId: randomUUID(),
      part: 0,
      records: Array.from({ length: 25 }, (_, i) => ({
        eventId: uuidv7(),
        orgId: agent.orgId,
        agentId: agent.agentId,
        protocol: 'telemetry',
        type: 'tool_call',
        sessionId: null,
        pactId: null,
        occurredAt: at(i),
        receivedAt: at(i),
        data: { outcome: i < 5 ? 'error' : 'success', latencyMs: i >= 21 ? 15_000 : 200 },
      })),
    }
    const js = jetstream(svc.nc)
    // The same message twice, past JetStream's dedupe (another msg id): counted once.
    await js.publish(telemetryRecordsSubject(svc.prefix), JSON.stringify(message), { msgID: 'a' })
    await js.publish(telemetryRecordsSubject(svc.prefix), JSON.stringify(message), { msgID: 'b' })
    // Then another message: once it shows, the duplicate before it was handled too.
    const last = { ...message, groupId: randomUUID() }
    last.records = [
      {
        ...message.records[0]!,
        eventId: uuidv7(),
        type: 'response',
        occurredAt: '2026-12-01T10:01:30.000Z',
        receivedAt: '2026-12-01T10:01:30.000Z',
      },
    ]
    await js.publish(telemetryRecordsSubject(svc.prefix), JSON.stringify(last))
    const p = await eventually(async () => {
      const r = await get<TrustProfile>(agent.agentId)
      // activity at minute resolution: the later minute
      return r.body.lastActiveAt === '2026-12-01T10:01:00.000Z' ? r.body : undefined
    })
    expect(p.scoreBreakdown.reliability).toBe(68)
    expect(p.scoreBreakdown.latency).toBe(68)
    expect(p.compositeScore).toBe(624)
    const x = (await get<TrustExplanation>(`${agent.agentId}/explain`)).body
    expect(x.dimensions.reliability.contributions).toEqual([
      expect.objectContaining({ eventId: 'telemetry:2026-12-01', rule: 'telemetry_error_rate' }),
    ])
    expect(x.dimensions.latency.contributions[0]!.rule).toBe('telemetry_slow_calls')
    const { rows } = await sql<{ records: number; calls: number; errors: number; slow: number }>`
      select records, calls, errors, slow from ${sql.id(svc.schema)}.trust_telemetry_days
      where agent_id = ${agent.agentId}`.execute(svc.db)
    expect(rows).toEqual([{ records: 26, calls: 25, errors: 5, slow: 4 }])
  })

  it('forgets a telemetry message id once the bus can no longer redeliver it, a bounded number at a time', async () => {
    const s = sql.id(svc.schema)
    const ids = Array.from({ length: 5 }, () => `old-${randomUUID()}.0`)
    // three past the retention, two just inside it, beside the ids the test above recorded
    await sql`insert into ${s}.trust_telemetry_messages (message_id, seen_at)
      select id, now() - make_interval(secs => ${SEEN_RETENTION_SECONDS} + case when i <= 3 then 60 else -60 end)
      from unnest(${ids}::text[]) with ordinality as x(id, i)`.execute(svc.db)
    const { rows: before } = await sql<{ n: number }>`select count(*)::int as n
      from ${s}.trust_telemetry_messages`.execute(svc.db)
    const pruned = await svc.db
      .transaction()
      .execute(async (tx) => [
        await pruneSeen(tx, svc.schema, 2),
        await pruneSeen(tx, svc.schema, 2),
        await pruneSeen(tx, svc.schema, 2),
      ])
    expect(pruned).toEqual([2, 1, 0])
    const { rows } = await sql<{ message_id: string }>`select message_id
      from ${s}.trust_telemetry_messages where message_id = any(${ids}::text[])`.execute(svc.db)
    expect(rows.map((r) => r.message_id).sort()).toEqual(ids.slice(3).sort())
    const { rows: after } = await sql<{ n: number }>`select count(*)::int as n
      from ${s}.trust_telemetry_messages`.execute(svc.db)
    expect(after[0]!.n).toBe(before[0]!.n - 3)
  })

  it('guardian elevations on the bus show in the explanation', async () => {
    const decided = m.events.filter((e) => e.type === 'ApprovalDenied')[0]!
    const req = m.events.find(
      (e) => e.type === 'ApprovalRequested' && e.data['approvalId'] === decided.data['approvalId'],
    )!
    const x = (await get<TrustExplanation>(`${req.data['agentId'] as string}/explain`)).body
    expect(x.dimensions.safety.contributions).toContainEqual(
      expect.objectContaining({ eventId: decided.eventId, rule: 'elevation_denied', points: -3 }),
    )
  })

  it('a rebuild of every context gives the same bytes, and publishes nothing new', async () => {
    const live = await profilesTable()
    const explanations = () =>
      Promise.all(live.map(async (r) => (await get(`${r.agent_id}/explain`)).body))
    const liveExplanations = await explanations()
    const count = async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from ${sql.id(svc.schema)}.events
          where type = 'ScoreChanged'`.execute(svc.db)
      ).rows[0]!.n
    const published = await count()
    for (const C of trustEvidenceConsumers) {
      const instance = svc.service.app.get(C)
      await rebuildProjection({
        nc: svc.nc,
        db: svc.db,
        schema: svc.schema,
        projection: toProjection(instance, svc.prefix),
        batchSize: 97,
      })
    }
    const rebuilt = await profilesTable()
    expect(rebuilt).toEqual(live)
    expect(await explanations()).toEqual(liveExplanations)
    expect(await count()).toBe(published)
  })

  it('a rebuild beside live batches of another context ends where a quiet rebuild does', async () => {
    // The replay adds its evidence without the profiles' lock while guardian's live batches
    // recompute from the half-refilled set; afterRebuild must still land on the set's profiles.
    const denials: BusEvent[] = m.agents.slice(0, 4).flatMap((a, i) =>
      Array.from({ length: 5 }, (_, j) => ({
        context: 'guardian' as const,
        type: 'ActionChecked',
        eventId: uuidv7(),
        data: denial(
          a,
          `chk_${String(i * 10 + j).padStart(26, 'z')}`,
          new Date(Date.parse('2026-10-01T00:00:00Z') + j * 60_000).toISOString(),
        ),
      })),
    )
    const rebuild = (C: (typeof trustEvidenceConsumers)[number]) =>
      rebuildProjection({
        nc: svc.nc,
        db: svc.db,
        schema: svc.schema,
        projection: toProjection(svc.service.app.get(C), svc.prefix),
        batchSize: 7,
      })
    const jsm = await jetstreamManager(svc.nc)
    const guardianCaughtUp = () =>
      eventually(
        async () => {
          const c = await jsm.consumers.info(
            streamName('guardian', svc.prefix),
            durableName(svc.schema, 'trust-guardian'),
          )
          return c.num_pending === 0 && c.num_ack_pending === 0 ? true : undefined
        },
        { what: 'the denials applied live', timeoutMs: 20_000 },
      )
    // Inside the replay's first batch (escrow's evidence all deleted, none back yet), the
    // denials are published and applied live: guardian recomputes those agents from a set
    // without their trades. A replay holding the profiles' lock would stall them here.
    const escrow = toProjection(svc.service.app.get(EscrowTrustEvidence), svc.prefix)
    let paused = false
    await rebuildProjection({
      nc: svc.nc,
      db: svc.db,
      schema: svc.schema,
      batchSize: 7,
      projection: {
        ...escrow,
        async afterBatch(tx) {
          await escrow.afterBatch!(tx)
          if (paused) return
          paused = true
          await publish(denials)
          await guardianCaughtUp()
        },
      },
    })
    expect(paused).toBe(true)
    const afterConcurrent = await profilesTable()
    // the denials count: the first agent lost safety to them
    const first = afterConcurrent.find((r) => r.agent_id === m.agents[0]!.agentId)!
    expect((JSON.parse(first.profile) as TrustProfile).scoreBreakdown.safety).toBeLessThan(70)
    for (const C of trustEvidenceConsumers) await rebuild(C)
    expect(await profilesTable()).toEqual(afterConcurrent)
  })

  it('a model version change recomputes every profile at start, to the same bytes here', async () => {
    const live = await profilesTable()
    const s = sql.id(svc.schema)
    await sql`update ${s}.agent_profiles set model_version = 'v0-old', profile = '{}'`.execute(
      svc.db,
    )
    const reprofiler = svc.service.app.get(ModelVersionReprofiler)
    expect(await reprofiler.reprofileIfStale()).toBe(live.length)
    expect(await profilesTable()).toEqual(live)
    expect(await reprofiler.reprofileIfStale()).toBe(0)
  })
})
