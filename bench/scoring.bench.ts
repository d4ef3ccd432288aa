/**
 * Scoring's trust profiles over a generated market (honest traffic and colluding rings):
 * 1. the pure rebuild (evidence of every event → every profile, in memory) in events/s;
 * 2. the events published to JetStream, the live consumers catching up (events/s), then the
 *    Postgres rebuild of the escrow consumer (`rebuildProjection`, batched apply) beside the raw
 *    ordered-consumer read of the same stream, in the same run;
 * 3. `GET /api/v1/trust/:id` p99 in an open loop at --rate requests/s;
 * 4. event → profile lag p99 with escrow events published at --lag-rate events/s.
 * One JSON document to stdout; progress to stderr.
 *
 *   npx tsx bench/scoring.bench.ts [--events N] [--rate N] [--lag-rate N] [--seconds N]
 */
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { sql } from 'kysely'
import { type JsMsg, jetstream } from '@nats-io/jetstream'
import { AnyEnvelope } from '@tessera/contracts'
import { publishEnvelopes } from '@tessera/bus'
import { projectionStatus, rebuildProjection } from '@tessera/projections'
import { toProjection } from '@tessera/service-kit'
import { startInProcess, testDatabaseUrl } from '@tessera/testing'
// eslint-disable-next-line no-restricted-imports -- a bench drives the service as its tests do
import { scoring } from '@tessera/scoring-service/src/service.ts'
// eslint-disable-next-line no-restricted-imports -- the pure rebuild, measured alone
import { toEvidence } from '@tessera/scoring-service/src/domain/trust/evidence.ts'
// eslint-disable-next-line no-restricted-imports -- the pure rebuild, measured alone
import { rebuildAll } from '@tessera/scoring-service/src/domain/trust/trust-projection.ts'
// eslint-disable-next-line no-restricted-imports -- the consumer the Postgres rebuild replays
import {
  EscrowTrustEvidence,
  TRUST_BATCH,
} from '@tessera/scoring-service/src/agents/trust-evidence.consumers.ts'
import { parseOptions, percentile, progress, round } from './src/cli.ts'
import { latencySummary, openLoop } from './src/http-load.ts'
import { cpuPerUnit, snapshot } from './src/cpu-accounting.ts'
import {
  type BusEvent,
  benchMarket,
  envelope,
  caughtUp,
  market,
  publishMarket,
} from './src/scoring-market.ts'

const p = parseOptions(
  'bench/scoring.bench.ts',
  {
    events: { env: 'BENCH_EVENTS', def: 1_000_000, help: 'generated events (about)' },
    rate: { env: 'BENCH_RATE', def: 1000, help: 'GET /api/v1/trust/:id per second' },
    'lag-rate': { env: 'BENCH_LAG_RATE', def: 10_000, help: 'events per second for the lag' },
    seconds: { env: 'BENCH_SECONDS', def: 5, help: 'length of the load phases' },
  },
  process.argv.slice(2),
)

progress(`generating ~${p.events} events`)
const m = benchMarket(p.events)
const total = m.events.length

// 1. pure rebuild
progress(`1 pure rebuild of ${total} events`)
const wire = m.events.map((e) => JSON.stringify(e))
let t0 = performance.now()
const evidence = wire.flatMap((s) => toEvidence(JSON.parse(s) as BusEvent))
const profiles = rebuildAll(evidence)
const pureSeconds = (performance.now() - t0) / 1000
t0 = performance.now()
let parsed = 0
for (const s of wire) parsed += (JSON.parse(s) as BusEvent).type.length > 0 ? 1 : 0
const parseSeconds = (performance.now() - t0) / 1000

// 2. bus + Postgres
progress('2 starting scoring in process')
const svc = await startInProcess(scoring)
const js = jetstream(svc.nc)
t0 = performance.now()
const counts = await publishMarket(js, m.events, svc.prefix)
const publishSeconds = (performance.now() - t0) / 1000
const applied = async (name: string) =>
  (await projectionStatus(svc.db, svc.schema, name))?.applied ?? 0
progress('2 live consumers catching up')
while (!(await caughtUp(svc.nc, svc.prefix, svc.schema, 'escrow'))) {
  progress(`2   trust-escrow ${await applied('trust-escrow')}/${counts['escrow']}`)
  await new Promise((r) => setTimeout(r, 2000))
}
const catchUpSeconds = (performance.now() - t0) / 1000

progress('2 raw ordered consumer over the escrow stream')
/** Reads the escrow stream from the start with an ordered consumer; `work` runs on each message. */
async function readStream(work: (m: JsMsg) => void): Promise<number> {
  const t = performance.now()
  const c = await js.consumers.get(stream, { opt_start_seq: 1 })
  const iter = await c.consume({ max_messages: 1000 })
  let n = 0
  for await (const m of iter) {
    work(m)
    if (++n >= (counts['escrow'] ?? 0)) break
  }
  await iter.close()
  return (performance.now() - t) / 1000
}
const stream = `${svc.prefix}ESCROW`
const sampler = new pg.Client({ connectionString: testDatabaseUrl() })
await sampler.connect()
const dbName = new URL(testDatabaseUrl()).pathname.slice(1)
/** `work`, and the CPU it cost per escrow event (this process, Postgres, nats-server). */
async function withCpu<T>(work: () => Promise<T>) {
  const before = await snapshot(sampler, dbName)
  const out = await work()
  return { out, cpu: cpuPerUnit(before, await snapshot(sampler, dbName), counts['escrow'] ?? 0) }
}
const raw = await withCpu(() => readStream(() => {}))
// What any replay must do at least: read, validate and turn each event into evidence, with
// nothing written. A rebuild cannot go faster than this on the same machine.
let converted = 0
const convert = await withCpu(() =>
  readStream((m) => {
    const e = AnyEnvelope.parse(m.json())
    converted += toEvidence({ type: e.type, data: e.data, eventId: e.metadata.eventId }).length
  }),
)

progress('2 Postgres rebuild of trust-escrow')
const beforeRebuild = await snapshot(sampler, dbName)
t0 = performance.now()
const rebuilt = await rebuildProjection({
  nc: svc.nc,
  db: svc.db,
  schema: svc.schema,
  // the projection's own batch size (rebuildProjection's default for it)
  projection: toProjection(svc.service.app.get(EscrowTrustEvidence), svc.prefix),
  onProgress: (pr) => {
    if (pr.applied % 100_000 < 10_000)
      progress(`2   ${pr.applied}/${pr.total} ${pr.eventsPerSecond}/s`)
  },
})
const rebuildSeconds = (performance.now() - t0) / 1000
const rebuildCpu = cpuPerUnit(beforeRebuild, await snapshot(sampler, dbName), rebuilt.applied)
await sampler.end()

// 3. GET p99
const agent = m.agents[1]!.agentId
progress(`3 GET /api/v1/trust/${agent} at ${p.rate}/s for ${p.seconds}s`)
const load = await openLoop(
  {
    url: `${svc.url}/api/v1/trust/${agent}`,
    method: 'GET',
    headers: {},
    body: '',
    accept: (b) => b.includes('"compositeScore"'),
  },
  p.rate,
  p.seconds,
  64,
)

// 4. lag: escrow events at lag-rate/s, time from publish to the checkpoint passing them
progress(`4 lag at ${p['lag-rate']} events/s`)
const extra = market({
  seed: 8,
  orgs: 20,
  honestAgents: 500,
  honestTrades: Math.round((p['lag-rate'] * p.seconds) / 3),
  rings: [],
}).events.filter((e) => e.context === 'escrow')
const sentAt = new Map<number, number>()
const lags: number[] = []
let polling = true
const poller = (async () => {
  for (;;) {
    const { rows } = await sql<{ source_position: string }>`select source_position
      from ${sql.id(svc.schema)}.projection_checkpoints where projection = 'trust-escrow'`.execute(
      svc.db,
    )
    const pos = Number(rows[0]?.source_position ?? 0)
    const now = performance.now()
    for (const [seq, at] of sentAt)
      if (seq <= pos) {
        lags.push(now - at)
        sentAt.delete(seq)
      }
    if (!polling && sentAt.size === 0) break
    await new Promise((r) => setTimeout(r, 5))
  }
})()
const perTick = Math.max(1, Math.round(p['lag-rate'] / 100))
t0 = performance.now()
for (let i = 0; i < extra.length; i += perTick) {
  const due = t0 + (i / p['lag-rate']) * 1000
  const wait = due - performance.now()
  if (wait > 0) await new Promise((r) => setTimeout(r, wait))
  const at = performance.now()
  const acks = await publishEnvelopes(
    js,
    'escrow',
    extra.slice(i, i + perTick).map(envelope),
    svc.prefix,
  )
  for (const a of acks) sentAt.set(a.seq, at)
}
const lagPublishSeconds = (performance.now() - t0) / 1000
polling = false
await poller
await svc.stop()

const sortedLags = Float64Array.from(lags).sort()
process.stdout.write(
  `${JSON.stringify(
    {
      bench: 'scoring',
      events: total,
      agents: profiles.length,
      pureRebuild: {
        what: 'JSON.parse + toEvidence + rebuildAll (anomalies and every profile) in memory',
        seconds: round(pureSeconds, 2),
        eventsPerSecond: round(total / pureSeconds),
        baselineJsonParsePerSecond: round(parsed / parseSeconds),
      },
      bus: {
        published: counts,
        publishSeconds: round(publishSeconds, 2),
        liveCatchUp: {
          what: 'publish + the four live consumers through the escrow stream',
          seconds: round(catchUpSeconds, 2),
          escrowEventsPerSecond: round((counts['escrow'] ?? 0) / catchUpSeconds),
        },
        rawOrderedConsumer: {
          what: 'ordered consumer, consume max_messages 1000, doing nothing, escrow stream',
          eventsPerSecond: round((counts['escrow'] ?? 0) / raw.out),
          cpuMicrosecondsPerEvent: raw.cpu,
        },
        readAndConvert: {
          what: 'the same read + AnyEnvelope.parse + toEvidence, nothing written: the floor of any replay',
          evidence: converted,
          eventsPerSecond: round((counts['escrow'] ?? 0) / convert.out),
          cpuMicrosecondsPerEvent: convert.cpu,
        },
        postgresRebuild: {
          what: 'rebuildProjection(trust-escrow): reset, replay, batched apply + recompute',
          batchSize: TRUST_BATCH,
          applied: rebuilt.applied,
          seconds: round(rebuildSeconds, 2),
          eventsPerSecond: round(rebuilt.applied / rebuildSeconds),
          // On 2 cores, 50k events/s leaves 40 µs of CPU per event for all three together.
          cpuMicrosecondsPerEvent: rebuildCpu,
        },
      },
      getTrustProfile: {
        rate: p.rate,
        seconds: round(load.seconds, 2),
        answered: load.answered,
        status: load.status,
        refused: load.refused,
        latencyMs: latencySummary(load.latencyMs),
        fromDueMs: latencySummary(load.fromDueMs),
      },
      eventToProfileLag: {
        rate: p['lag-rate'],
        events: extra.length,
        publishSeconds: round(lagPublishSeconds, 2),
        measured: lags.length,
        p50Ms: round(percentile(sortedLags, 50), 1),
        p99Ms: round(percentile(sortedLags, 99), 1),
        maxMs: round(sortedLags.at(-1) ?? 0, 1),
        note: 'publish time to the checkpoint of trust-escrow passing the event (polled every 5 ms)',
      },
    },
    null,
    2,
  )}\n`,
)
process.exit(0)
