/**
 * Pact registrations (`POST /v1/pacts/register`) through the API of an in-process pacts
 * service, beside the event store's raw append rate (`appendToStream`, one event to a new
 * stream, as a registration appends) in the same run, with the same concurrency. Each
 * registration is a distinct pact with its own nonce and two Ed25519 signatures, signed before
 * the clock starts. One JSON document goes to stdout; progress goes to stderr.
 *
 *   npx tsx bench/pacts.bench.ts [--seconds N] [--concurrency N] [--pacts N] [--help]
 */
import os from 'node:os'
import { sql } from 'kysely'
import {
  appendToStream,
  createDb,
  eventLogMigrations,
  migrateSchema,
  type EventStoreTables,
} from '@tessera/event-store'
import { pactHash, signPact } from '@tessera/crypto'
import { testDatabaseUrl, uniqueTag } from '@tessera/testing'
// The harness boots pacts in this process and feeds its agent directory from the bus.
// eslint-disable-next-line no-restricted-imports -- a bench drives the service as its tests do
import { PactsHarness, termsOf } from '@tessera/pacts-service/src/testing/pacts-harness.ts'
import { parseOptions, progress, round } from './src/cli.ts'
import { drive } from './src/drive.ts'

const p = parseOptions(
  'bench/pacts.bench.ts',
  {
    seconds: { env: 'BENCH_SECONDS', def: 10, help: 'time cap of each phase' },
    concurrency: { env: 'BENCH_CONCURRENCY', def: 16, help: 'requests (appends) in flight' },
    pacts: { env: 'BENCH_PACTS', def: 5000, help: 'pre-signed registrations (a cap)' },
  },
  process.argv.slice(2),
)

const run = (count: number, work: (i: number) => Promise<void>) =>
  drive({ count, seconds: p.seconds, concurrency: p.concurrency }, work)

const h = await PactsHarness.start()
const baseSchema = `bench_pacts_log_${uniqueTag()}`
const db = createDb<EventStoreTables>({ connectionString: testDatabaseUrl(), max: p.concurrency })
try {
  const [a, b] = [await h.org(), await h.org()]
  const [buyer, seller] = [await h.agent(a), await h.agent(b)]

  progress(`signing ${p.pacts} registrations`)
  const bodies = Array.from({ length: p.pacts }, () => {
    const terms = termsOf(buyer, seller)
    return JSON.stringify({
      pactHash: pactHash(terms),
      buyerDid: buyer.agentId,
      sellerDid: seller.did,
      buyerSignature: signPact(terms, buyer.keys.secretKey),
      sellerSignature: signPact(terms, seller.keys.secretKey),
      terms,
    })
  })

  progress(`registering through ${h.url} for up to ${p.seconds}s`)
  let refused = 0
  const api = await run(bodies.length, async (i) => {
    const res = await fetch(`${h.url}/v1/pacts/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.apiKey}`, 'content-type': 'application/json' },
      body: bodies[i]!,
    })
    await res.arrayBuffer()
    if (res.status !== 201) refused++
  })

  progress(`raw appendToStream for up to ${p.seconds}s`)
  await migrateSchema(db, baseSchema, eventLogMigrations(baseSchema))
  const sample = JSON.parse(bodies[0]!) as Record<string, unknown>
  const raw = await run(Number.MAX_SAFE_INTEGER, async (i) => {
    await appendToStream(
      db,
      baseSchema,
      `pact-raw-${i}`,
      'no_stream',
      [{ type: 'PactRegistered', data: sample }],
      { actor: { kind: 'system', id: 'bench' } },
    )
  })

  const registrations = {
    value: api.perSecond,
    unit: 'registrations/s',
    ...api,
    refused,
  }
  const baseline = {
    what: 'appendToStream: one PactRegistered-sized event to a new stream, same concurrency',
    value: raw.perSecond,
    unit: 'appends/s',
    ...raw,
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'pacts',
        params: p,
        machine: { cpus: os.cpus().length, node: process.version },
        registrations,
        baseline,
        ratio: round(registrations.value / baseline.value, 3),
      },
      null,
      2,
    )}\n`,
  )
} finally {
  await sql`drop schema if exists ${sql.id(baseSchema)} cascade`.execute(db).catch(() => undefined)
  await db.destroy()
  await h.stop()
}
