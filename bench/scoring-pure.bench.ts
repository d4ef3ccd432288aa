/**
 * Scoring's pure rebuild alone, in memory, on the same generated market as
 * bench/scoring.bench.ts (no bus, no Postgres), so it reaches 1M events in about a minute:
 * JSON.parse + toEvidence, then rebuildAll (anomalies and every profile), each in events per
 * wall second and per CPU second (steadier on shared cores). With --live-batch N, also the live
 * path (applyEvidence on the in-memory store) over the first --live-events evidence.
 * One JSON document to stdout; progress to stderr.
 *
 *   npx tsx bench/scoring-pure.bench.ts [--events N] [--live-batch N] [--live-events N]
 */
import { performance } from 'node:perf_hooks'
// eslint-disable-next-line no-restricted-imports -- the pure rebuild, measured alone
import { toEvidence } from '@tessera/scoring-service/src/domain/trust/evidence.ts'
// eslint-disable-next-line no-restricted-imports -- the pure rebuild and live path, measured alone
import {
  MemoryEvidenceStore,
  applyEvidence,
  rebuildAll,
} from '@tessera/scoring-service/src/domain/trust/trust-projection.ts'
import { parseOptions, progress, round } from './src/cli.ts'
import { type BusEvent, benchMarket } from './src/scoring-market.ts'

const p = parseOptions(
  'bench/scoring-pure.bench.ts',
  {
    events: { env: 'BENCH_EVENTS', def: 1_000_000, help: 'generated events (about)' },
    'live-batch': { env: 'BENCH_LIVE_BATCH', def: 0, help: 'live batch size; 0: no live run' },
    'live-events': { env: 'BENCH_LIVE_EVENTS', def: 20_000, help: 'evidence for the live run' },
  },
  process.argv.slice(2),
)

progress(`generating ~${p.events} events`)
const m = benchMarket(p.events)
const total = m.events.length
const wire = m.events.map((e) => JSON.stringify(e))
const cpuSeconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6

progress(`parse + toEvidence of ${total} events`)
let c0 = process.cpuUsage()
let t0 = performance.now()
const evidence = wire.flatMap((s) => toEvidence(JSON.parse(s) as BusEvent))
const parse = { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds(process.cpuUsage(c0)) }

progress(`rebuildAll of ${evidence.length} evidence`)
c0 = process.cpuUsage()
t0 = performance.now()
const profiles = rebuildAll(evidence)
const rebuild = { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds(process.cpuUsage(c0)) }

let live: Record<string, number> | null = null
if (p['live-batch'] > 0) {
  const n = Math.min(evidence.length, p['live-events'])
  progress(`live: applyEvidence in batches of ${p['live-batch']} over ${n} evidence`)
  const store = new MemoryEvidenceStore()
  t0 = performance.now()
  for (let i = 0; i < n; i += p['live-batch'])
    await applyEvidence(store, evidence.slice(i, i + p['live-batch']))
  const secs = (performance.now() - t0) / 1000
  live = {
    batch: p['live-batch'],
    evidence: n,
    seconds: round(secs, 2),
    perSecond: round(n / secs),
  }
}

const rate = (s: { wall: number; cpu: number }) => ({
  seconds: round(s.wall, 2),
  cpuSeconds: round(s.cpu, 2),
  eventsPerSecond: round(total / s.wall),
  eventsPerCpuSecond: round(total / s.cpu),
})
process.stdout.write(
  `${JSON.stringify(
    {
      bench: 'scoring-pure',
      events: total,
      evidence: evidence.length,
      agents: profiles.length,
      parseAndToEvidence: rate(parse),
      rebuildAll: rate(rebuild),
      pureTotal: rate({ wall: parse.wall + rebuild.wall, cpu: parse.cpu + rebuild.cpu }),
      live,
    },
    null,
    2,
  )}\n`,
)
