/**
 * Scoring's Postgres rebuild alone, over the same generated market as bench/scoring.bench.ts,
 * in about two minutes at 1M events (scoring.bench.ts first catches the live path up through
 * every event, which takes most of its time): the market is published with no live trust-escrow
 * consumer running, the other contexts' consumers catch up, then `rebuildProjection` replays
 * trust-escrow from position 0. Prints events/s, the replay's CPU per event (this process,
 * Postgres, nats-server) and an md5 of every stored profile, so two builds can be compared on
 * the same market: equal hashes, equal bytes. One JSON document to stdout; progress to stderr.
 *
 *   npx tsx bench/scoring-rebuild.bench.ts [--events N]
 */
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { sql } from 'kysely'
import { jetstream } from '@nats-io/jetstream'
import { rebuildProjection } from '@tessera/projections'
import { EVENT_LOG, toProjection } from '@tessera/service-kit'
import { startInProcess, testDatabaseUrl } from '@tessera/testing'
// eslint-disable-next-line no-restricted-imports -- a bench drives the service as its tests do
import { scoring } from '@tessera/scoring-service/src/service.ts'
// eslint-disable-next-line no-restricted-imports -- the consumer the rebuild replays
import { EscrowTrustEvidence } from '@tessera/scoring-service/src/agents/trust-evidence.consumers.ts'
import { parseOptions, progress, round, sleep } from './src/cli.ts'
import { cpuPerUnit, snapshot } from './src/cpu-accounting.ts'
import { benchMarket, caughtUp, publishMarket } from './src/scoring-market.ts'

const p = parseOptions(
  'bench/scoring-rebuild.bench.ts',
  { events: { env: 'BENCH_EVENTS', def: 1_000_000, help: 'generated events (about)' } },
  process.argv.slice(2),
)
progress(`generating ~${p.events} events`)
const m = benchMarket(p.events)
const svc = await startInProcess({
  ...scoring,
  consumers: (scoring.consumers ?? []).filter((c) => c !== EscrowTrustEvidence),
})
const counts = await publishMarket(jetstream(svc.nc), m.events, svc.prefix)
for (const context of ['guardian', 'pacts', 'jury'] as const)
  while (!(await caughtUp(svc.nc, svc.prefix, svc.schema, context))) await sleep(500)
progress('the other contexts caught up; rebuilding trust-escrow')

const consumer = new EscrowTrustEvidence(svc.schema, svc.service.app.get(EVENT_LOG))
const sampler = new pg.Client({ connectionString: testDatabaseUrl() })
await sampler.connect()
const dbName = new URL(testDatabaseUrl()).pathname.slice(1)
const before = await snapshot(sampler, dbName)
const t0 = performance.now()
const rebuilt = await rebuildProjection({
  nc: svc.nc,
  db: svc.db,
  schema: svc.schema,
  projection: toProjection(consumer, svc.prefix),
  onProgress: (pr) => {
    if (pr.applied % 100_000 < 10_000)
      progress(`  ${pr.applied}/${pr.total} ${pr.eventsPerSecond}/s`)
  },
})
const seconds = (performance.now() - t0) / 1000
const cpu = cpuPerUnit(before, await snapshot(sampler, dbName), rebuilt.applied)
await sampler.end()
const { rows } = await sql<{ md5: string; n: number }>`select md5(string_agg(profile, '' order by
  agent_id)) as md5, count(*)::int as n from ${sql.id(svc.schema)}.agent_profiles`.execute(svc.db)
await svc.stop()

process.stdout.write(
  `${JSON.stringify(
    {
      bench: 'scoring-rebuild',
      events: m.events.length,
      published: counts,
      postgresRebuild: {
        what: 'rebuildProjection(trust-escrow): reset, replay in batches, then every profile once',
        applied: rebuilt.applied,
        seconds: round(seconds, 2),
        eventsPerSecond: round(rebuilt.applied / seconds),
        // On 2 cores, 50k events/s leaves 40 µs of CPU per event for all three together.
        cpuMicrosecondsPerEvent: cpu,
      },
      profiles: { count: rows[0]?.n ?? 0, md5OfAll: rows[0]?.md5 ?? null },
    },
    null,
    2,
  )}\n`,
)
process.exit(0)
