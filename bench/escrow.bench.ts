/**
 * Full escrow lifecycles per second through the API of an in-process escrow service: create
 * (the buyer's lock, a pending ledger transfer), verify (the seller's check), submitCompletion
 * (signature, hash, automated verification of the pact's deliverable conditions) and the
 * release it triggers (one linked posting: seller, fee). Beside it, the events each lifecycle
 * appended and the event store's raw append rate (`appendToStream`, one event to a new stream)
 * in the same run, with the same concurrency. One JSON document goes to stdout.
 *
 * By default escrow runs as its own process (`services/escrow/src/main.ts`, as in production)
 * on a fresh database, and the CPU of escrow, Postgres, NATS and this load generator is
 * reported per lifecycle. `--process 0` runs it in this process instead, where every query it
 * sends is counted (`queriesPerLifecycle`).
 *
 *   npx tsx bench/escrow.bench.ts [--seconds N] [--concurrency N] [--lifecycles N]
 *     [--pairs N] [--process 0|1] [--help]
 */
import os from 'node:os'
import { sql } from 'kysely'
import pg from 'pg'
import {
  appendToStream,
  createDb,
  eventLogMigrations,
  migrateSchema,
  type EventStoreTables,
} from '@tessera/event-store'
import { signCompletion } from '@tessera/crypto'
import {
  InProcessService,
  startInProcess,
  testDatabaseUrl,
  testNatsUrl,
  uniqueTag,
} from '@tessera/testing'
// eslint-disable-next-line no-restricted-imports -- a bench drives the service as its tests do
import { escrow } from '@tessera/escrow-service/src/service.ts'
// eslint-disable-next-line no-restricted-imports -- a bench drives the service as its tests do
import { EscrowWorld } from '@tessera/escrow-service/src/testing/escrow-world.ts'
import { cleanUp, onCleanUp, parseOptions, progress, round } from './src/cli.ts'
import { cpuReport, ioReport, snapshot } from './src/cpu-accounting.ts'
import { drive } from './src/drive.ts'
import { freshEnvironment } from './src/environment.ts'
import { countQueries } from './src/query-count.ts'
import { startService } from './src/service-process.ts'

const p = parseOptions(
  'bench/escrow.bench.ts',
  {
    seconds: { env: 'BENCH_SECONDS', def: 10, help: 'time cap of each phase' },
    concurrency: {
      env: 'BENCH_CONCURRENCY',
      def: 64,
      help: 'lifecycles (appends) in flight: agents trading at once (group commit grows with it)',
    },
    lifecycles: { env: 'BENCH_LIFECYCLES', def: 3000, help: 'pacts prepared (a cap)' },
    pairs: {
      env: 'BENCH_PAIRS',
      def: 1,
      help: 'buyer/seller agent pairs the pacts are spread over (1: one buyer wallet for all)',
    },
    process: {
      env: 'BENCH_PROCESS',
      def: 1,
      help: '1: escrow as its own process (CPU per process); 0: in this one (queries counted)',
    },
    'cpu-prof': {
      env: 'BENCH_CPU_PROF',
      def: 0,
      help: "1: write the escrow process's CPU profile (its directory is printed)",
    },
  },
  process.argv.slice(2),
)

const run = (count: number, work: (i: number) => Promise<void>) =>
  drive({ count, seconds: p.seconds, concurrency: p.concurrency }, work)

/**
 * Escrow as its own process on a fresh database, seen by the world as an in-process service
 * is (its schema, pool, bus connection and URL); or in this process.
 */
async function startEscrow() {
  if (!p.process) return { svc: await startInProcess(escrow), pid: process.pid, dbName: null }
  const env = await freshEnvironment('escrow')
  progress('starting escrow (services/escrow/src/main.ts) as its own process')
  const child = await startService({
    name: 'escrow',
    root: process.cwd(),
    main: 'services/escrow/src/main.ts',
    env: {
      DATABASE_URL: env.dbUrl,
      NATS_URL: testNatsUrl(),
      TESSERA_STREAM_PREFIX: env.prefix,
      LOG_LEVEL: 'warn',
    },
    cpuProf: p['cpu-prof'] > 0,
  })
  if (child.profileDir) progress(`escrow's CPU profile goes to ${child.profileDir}`)
  const db = createDb({ connectionString: env.dbUrl, max: 4 })
  onCleanUp(() => db.destroy())
  const remote = { app: undefined as never, url: child.url, stop: () => Promise.resolve() }
  const svc = new InProcessService([remote], 'escrow', env.prefix, db, env.nc)
  return { svc, pid: child.child.pid!, dbName: env.dbName, dbUrl: env.dbUrl }
}

const queries = countQueries()
const started = await startEscrow()
const { svc } = started
const baseSchema = `bench_escrow_log_${uniqueTag()}`
const db = createDb<EventStoreTables>({ connectionString: testDatabaseUrl(), max: p.concurrency })
try {
  const w = await EscrowWorld.start(svc)
  progress(`publishing ${p.lifecycles} pacts on PACTS`)
  const pairs = [{ buyer: w.buyer, seller: w.seller }, ...(await w.pairs(Math.max(0, p.pairs - 1)))]
  const perPair = Math.ceil(p.lifecycles / pairs.length)
  const pacts = (
    await Promise.all(pairs.map((pair) => w.pacts(perPair, { amount: '1000000', ...pair })))
  )
    .flatMap((batch, i) => batch.map((pact, k) => ({ pact, order: k * pairs.length + i })))
    .sort((a, b) => a.order - b.order)
    .map((x) => x.pact)
  for (const pair of pairs) await w.fund(pair.buyer, String(1_000_000 * perPair))
  const deliverable = { rows: 12, url: 'https://example.com/out.json' }
  const signedBy = new Map(
    pairs.map((x) => [x.seller.agentId, signCompletion(deliverable, x.seller.keys.secretKey)]),
  )

  const post = async (path: string, key: string, body: unknown, want: number) => {
    const res = await fetch(`${svc.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const out = (await res.json()) as Record<string, unknown>
    if (res.status !== want) throw new Error(`${path}: ${res.status} ${JSON.stringify(out)}`)
    return out
  }

  progress(`lifecycles through ${svc.url} for up to ${p.seconds}s`)
  let notReleased = 0
  const sampler = started.dbName ? new pg.Client({ connectionString: started.dbUrl }) : null
  await sampler?.connect()
  const before = sampler && (await snapshot(sampler, started.dbName!))
  queries.start()
  const cpu0 = process.cpuUsage()
  const api = await run(pacts.length, async (i) => {
    const pact = pacts[i]!
    const { escrowId } = await post(
      '/v1/escrows',
      w.buyerOrg.member,
      { pactId: pact.pactId, amount: pact.amount, conditionHash: pact.pactHash },
      201,
    )
    const id = String(escrowId)
    await post(
      `/v1/escrows/${id}/verify`,
      w.sellerOrg.member,
      { expectedPactId: pact.pactId, expectedAmount: pact.amount },
      200,
    )
    const done = await post(
      `/v1/escrows/${id}/completion`,
      w.sellerOrg.member,
      {
        pactId: pact.pactId,
        deliverable,
        ...signedBy.get(pact.seller.agentId)!,
        completionTimeUtc: new Date().toISOString(),
        executionMetrics: { accuracy: 0.97 },
      },
      200,
    )
    if (done['status'] !== 'released') notReleased++
  })
  const queriesPerLifecycle = queries.stop(api.count)
  const cpu = process.cpuUsage(cpu0)
  const after = sampler && (await snapshot(sampler, started.dbName!))
  await sampler?.end()
  const whereTheTimeGoes = before &&
    after && {
      cpu: cpuReport(before, after, {
        servicePid: started.pid,
        serviceKey: 'escrowProcess',
        dbName: started.dbName!,
        units: api.count,
        perUnitKey: 'cpuMicrosecondsPerLifecycle',
        perUnitWhat: 'CPU time per lifecycle: steadier than lifecycles/s on a shared machine',
      }),
      io: ioReport(before, after, api.count, 'walBytesPerLifecycle'),
      postgresTransactionsPerLifecycle: round(
        ((after.db['xact_commit'] ?? 0) - (before.db['xact_commit'] ?? 0)) / Math.max(api.count, 1),
        2,
      ),
    }
  // this process: the load generator and the service; steadier than the rate on a shared box
  const processCpuMicrosecondsPerLifecycle = round((cpu.user + cpu.system) / Math.max(api.count, 1))
  const { rows } = await sql<{ n: number }>`select count(*)::int as n
    from ${sql.id(svc.schema)}.events where stream_id like 'escrow-%'`.execute(svc.db)
  const events = rows[0]!.n

  progress(`raw appendToStream for up to ${p.seconds}s`)
  await migrateSchema(db, baseSchema, eventLogMigrations(baseSchema))
  const sample = {
    escrowId: 'esc_x',
    pactId: pacts[0]!.pactId,
    amount: '1000000',
    buyer: {},
    seller: {},
  }
  const raw = await run(Number.MAX_SAFE_INTEGER, async (i) => {
    await appendToStream(
      db,
      baseSchema,
      `escrow-raw-${i}`,
      'no_stream',
      [{ type: 'EscrowCreated', data: sample }],
      { actor: { kind: 'system', id: 'bench' } },
    )
  })

  const lifecycles = {
    value: api.perSecond,
    unit: 'lifecycles/s',
    target: 200,
    ...api,
    notReleased,
    httpCallsPerLifecycle: 3,
    eventsPerLifecycle: round(events / Math.max(api.count, 1), 2),
    ...(p.process
      ? { whereTheTimeGoes }
      : { processCpuMicrosecondsPerLifecycle, queriesPerLifecycle }),
  }
  const baseline = {
    what: 'appendToStream: one event to a new stream, same concurrency',
    value: raw.perSecond,
    unit: 'appends/s',
    ...raw,
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'escrow',
        params: p,
        machine: { cpus: os.cpus().length, node: process.version, loadavg: os.loadavg() },
        lifecycles,
        baseline,
      },
      null,
      2,
    )}\n`,
  )
} finally {
  await sql`drop schema if exists ${sql.id(baseSchema)} cascade`.execute(db).catch(() => undefined)
  await db.destroy()
  if (p.process) await cleanUp()
  else await svc.stop()
}
