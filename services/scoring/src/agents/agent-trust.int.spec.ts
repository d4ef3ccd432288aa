import { randomUUID } from 'node:crypto'
import { v7 as uuidv7 } from 'uuid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { publishEnvelopes } from '@tessera/bus'
import {
  type Envelope,
  type ScoreChanged,
  type TrustExplanation,
  type TrustProfile,
  eventSubject,
  streamName,
  telemetryRecordsSubject,
} from '@tessera/contracts'
import { durableName, rebuildProjection } from '@tessera/projections'
import { toProjection } from '@tessera/service-kit'
import { type InProcessService, eventually, metadataFor, startInProcess } from '@tessera/testing'
import { scoring } from '../service.ts'
import { type BusEvent, EVERY_KIND, denial, market } from '../testing/market.ts'
import { linksOf, toEvidence } from '../domain/trust/evidence.ts'
import { MODEL_VERSION } from '../domain/trust/trust-model.ts'
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
  // pacts, bonds, incidents, a revocation and appeals: every context's rebuild replays something
  extras: EVERY_KIND,
})
const CONTEXTS = ['guardian', 'pacts', 'escrow', 'jury'] as const

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
  for (const context of CONTEXTS) {
    const mine = events.filter((e) => e.context === context).map(envelope)
    for (let i = 0; i < mine.length; i += 200)
      await publishEnvelopes(js, context, mine.slice(i, i + 200), svc.prefix)
  }
}
async function get<T>(path: string) {
  const res = await fetch(`${svc.url}/api/v1/trust/${path}`)
  return { status: res.status, body: (await res.json()) as T & { code?: string } }
}
/** Until the trust consumers of `contexts` have committed all that was published to them. */
async function caughtUp(contexts: readonly BusEvent['context'][] = CONTEXTS) {
  const jsm = await jetstreamManager(svc.nc)
  await eventually(
    async () => {
      for (const c of contexts) {
        const info = await jsm.consumers.info(
          streamName(c, svc.prefix),
          durableName(svc.schema, `trust-${c}`),
        )
        if (info.num_pending > 0 || info.num_ack_pending > 0) return undefined
      }
      return true
    },
    { what: `trust consumers of ${contexts.join(', ')} caught up`, timeoutMs: 20_000 },
  )
}
const scoreChangedCount = async () =>
  (
    await sql<{ n: number }>`select count(*)::int as n from ${sql.id(svc.schema)}.events
      where type = 'ScoreChanged'`.execute(svc.db)
  ).rows[0]!.n
/**
 * Each agent's ScoreChanged in order, checked against its stored profile (read in one snapshot):
 * each names the one before it (the first, nothing), each moves the score or the tier, and the
 * last is the profile's. Every profile has been published. The chains, by agent.
 */
async function expectScoreTrails(): Promise<Map<string, ScoreChanged[]>> {
  const s = sql.id(svc.schema)
  const { events, profiles } = await svc.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => ({
      events: (
        await sql<{ stream_id: string; data: ScoreChanged }>`select stream_id, data
          from ${s}.events where type = 'ScoreChanged' and stream_id like 'score-agent-%'
          order by stream_id, stream_version`.execute(tx)
      ).rows,
      profiles: (
        await sql<{ agent_id: string; profile: string }>`select agent_id, profile
          from ${s}.agent_profiles`.execute(tx)
      ).rows,
    }))
  const chains = new Map<string, ScoreChanged[]>()
  for (const e of events) {
    const agentId = e.stream_id.slice('score-agent-'.length)
    expect(e.data.subjectId).toBe(agentId)
    chains.set(agentId, [...(chains.get(agentId) ?? []), e.data])
  }
  expect([...chains.keys()].sort()).toEqual(profiles.map((p) => p.agent_id).sort())
  for (const row of profiles) {
    const chain = chains.get(row.agent_id)!
    chain.forEach((e, i) => {
      const before = chain[i - 1]
      expect([e.previousScore, e.previousBondTier], row.agent_id).toEqual(
        before ? [before.score, before.bondTier] : [null, null],
      )
      if (before)
        expect(e.score !== before.score || e.bondTier !== before.bondTier, row.agent_id).toBe(true)
    })
    const p = JSON.parse(row.profile) as TrustProfile
    const last = chain[chain.length - 1]!
    expect([last.score, last.bondTier], row.agent_id).toEqual([p.compositeScore, p.bondTier])
  }
  return chains
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
    expect(p.modelVersion).toBe(MODEL_VERSION)
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

    // The org's own profile says so too, naming its flagged agents; an honest org is not.
    const profiles = await Promise.all(
      m.agents.map(async (a) => (await get<TrustProfile>(a.agentId)).body),
    )
    const honest = profiles.find((o) => o.orgId !== p.orgId && !o.orgUnderReview)!
    expect(honest, 'an org with no flagged agent').toBeDefined()
    const orgs = [p.orgId, honest.orgId]
    await publish(
      orgs.map((orgId) => ({
        context: 'guardian' as const,
        type: 'OrgCreated',
        eventId: uuidv7(),
        data: { orgId, name: orgId, createdAt: '2026-12-01T00:00:00.000Z' },
      })),
    )
    const org = (id: string) =>
      eventually(async () => {
        const r = await get<Record<string, unknown>>(`orgs/${id}`)
        return r.status === 200 ? r.body : undefined
      })
    const ringIds = profiles
      .filter((o) => o.orgId === p.orgId && o.anomalyFlags.length > 0)
      .map((o) => o.tesseraAgentId)
    expect(ringIds).toContain(ringMember.agentId)
    expect(await org(p.orgId)).toMatchObject({
      underReview: true,
      flaggedAgentCount: ringIds.length,
      flaggedAgentIds: ringIds.sort(),
    })
    expect(await org(honest.orgId)).toMatchObject({
      underReview: false,
      flaggedAgentCount: 0,
      flaggedAgentIds: [],
    })
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

  it('publishes ScoreChanged for agents, once per move, chained up to the stored profile', async () => {
    await caughtUp()
    const chains = await expectScoreTrails()
    // The agent that moved most (3 or 4 times here, as the contexts' batches land).
    const [agentId, chain] = [...chains].sort(([, a], [, b]) => b.length - a.length)[0]!
    expect(chain.length).toBeGreaterThan(1)

    // Escrow's events again, as new messages (another msg id, past JetStream's dedupe): the
    // consumer applies them, and nothing moves, so nothing is published.
    const published = await scoreChangedCount()
    const again = m.events.filter((e) => e.context === 'escrow')
    const checkpoint = async () =>
      (
        await sql<{
          applied: string
        }>`select applied from ${sql.id(svc.schema)}.projection_checkpoints
          where projection = 'trust-escrow'`.execute(svc.db)
      ).rows[0]!.applied
    const applied = Number(await checkpoint())
    const js = jetstream(svc.nc)
    for (const e of again)
      await js.publish(eventSubject('escrow', e.type, svc.prefix), JSON.stringify(envelope(e)), {
        msgID: `again-${e.eventId}`,
      })
    await caughtUp(['escrow'])
    expect(Number(await checkpoint())).toBe(applied + again.length)
    expect(await scoreChangedCount()).toBe(published)
    expect((await expectScoreTrails()).get(agentId)).toEqual(chain)

    // A bond tier move alone publishes. Here the agent's slash (2 → 1, its posting delivered
    // after it): bondScore's +20 and the slash's reliability −10 (−20) leave the score as it was.
    const fresh = market({ seed: 46, orgs: 1, honestAgents: 1, honestTrades: 0, rings: [] })
    const a = fresh.agents[0]!
    await publish(fresh.events)
    await eventually(async () => ((await get(a.agentId)).status === 200 ? true : undefined))
    const bond = (type: string, amount: string, totalBond: string, tier: number, at: string) => ({
      context: 'escrow' as const,
      type,
      eventId: uuidv7(),
      data: {
        agentId: a.agentId,
        orgId: a.orgId,
        amount,
        totalBond,
        tier,
        ...(type === 'BondSlashed'
          ? { rule: 'deadlines_missed_3_in_90d', slashedAt: at }
          : { postedAt: at }),
      },
    })
    await publish([bond('BondSlashed', '100000000', '900000000', 1, '2026-10-02T00:00:00.000Z')])
    await caughtUp(['escrow'])
    const p = (await get<TrustProfile>(a.agentId)).body
    expect([p.compositeScore, p.bondTier, p.scoreBreakdown.reliability]).toEqual([630, 1, 60])
    const moves = (await expectScoreTrails()).get(a.agentId)!
    expect(moves.map((e) => [e.previousScore, e.score, e.previousBondTier, e.bondTier])).toEqual([
      [null, 630, null, 0],
      [630, 630, 0, 1],
    ])
    // The earlier posting (tier 2) arrives: the later slash still sets the tier; nothing moves.
    await publish([bond('BondPosted', '1000000000', '1000000000', 2, '2026-10-01T00:00:00.000Z')])
    await caughtUp(['escrow'])
    expect((await expectScoreTrails()).get(a.agentId)).toEqual(moves)
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
    await caughtUp()
    const live = await profilesTable()
    const explanations = () =>
      Promise.all(live.map(async (r) => (await get(`${r.agent_id}/explain`)).body))
    const liveExplanations = await explanations()
    const published = await scoreChangedCount()
    const replayed: Record<string, number> = {}
    for (const C of trustEvidenceConsumers) {
      const instance = svc.service.app.get(C)
      const done = await rebuildProjection({
        nc: svc.nc,
        db: svc.db,
        schema: svc.schema,
        projection: toProjection(instance, svc.prefix),
        batchSize: 97,
      })
      replayed[done.projection] = done.applied
    }
    // pacts' rebuild replays every pact event: pacts[], bindings and failures are compared too
    expect(replayed['trust-pacts']).toBe(m.events.filter((e) => e.context === 'pacts').length)
    const rebuilt = await profilesTable()
    expect(rebuilt).toEqual(live)
    expect(await explanations()).toEqual(liveExplanations)
    expect(await scoreChangedCount()).toBe(published)
    await expectScoreTrails()
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
          await caughtUp(['guardian'])
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
    // the denials' moves were published once the rebuild was done, each after the one before
    await expectScoreTrails()
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
