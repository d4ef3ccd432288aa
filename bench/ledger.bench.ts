/**
 * Ledger postings per second on the Postgres ledger (services/escrow/src/ledger/pg-ledger.ts):
 * under contention, every batch crediting one hot account (as every escrow lock credits
 * `platform_escrow`), and uncontended, each writer on accounts of its own. Beside them, the
 * baseline from the same run: a bare `begin; update one row; commit` on the hot row, which is
 * the most a row-locked account can take. One JSON document goes to stdout.
 *
 *   npx tsx bench/ledger.bench.ts [--seconds 5] [--writers 16] [--sync on|off]
 */
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { createDb, migrateSchema } from '@tessera/event-store'
import { allMigrations } from '@tessera/service-kit'
import { testDatabaseUrl, uniqueTag } from '@tessera/testing'
// The ledger is measured as a library, below HTTP; escrow's package entry point (main.ts) starts
// the service, so its modules are imported by path.
// eslint-disable-next-line no-restricted-imports -- see above
import { newAccount } from '@tessera/escrow-service/src/domain/ledger/ledger.model.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import type { TransferInput } from '@tessera/escrow-service/src/domain/ledger/ledger.types.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import { createTransfersPg, openAccounts } from '@tessera/escrow-service/src/ledger/pg-ledger.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import { escrow } from '@tessera/escrow-service/src/service.ts'

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : def
}
const SECONDS = arg('seconds', 5)
const WRITERS = arg('writers', 4)
const progress = (m: string) => process.stderr.write(`${m}\n`)

const schema = `bench_ledger_${uniqueTag()}`
const now = new Date()
/** `--sync off`: commits do not wait for the WAL flush (what the locks cost, not the disk). */
const SYNC = process.argv.includes('off') ? 'off' : 'on'
const url = new URL(testDatabaseUrl())
url.searchParams.set('options', `-c synchronous_commit=${SYNC}`)
const db = createDb({ connectionString: url.toString(), max: WRITERS + 2 })

/** Runs `writers` loops of `once` for SECONDS; answers operations per second. */
async function measure(writers: number, once: (writer: number, n: number) => Promise<number>) {
  const until = performance.now() + SECONDS * 1000
  let ops = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let n = 0; performance.now() < until; n++) ops += await once(w, n)
    }),
  )
  return Math.round(ops / ((performance.now() - started) / 1000))
}

const pay = (id: string, from: string, to: string): TransferInput => ({
  id,
  kind: 'single_phase',
  debitAccountId: from,
  creditAccountId: to,
  amount: 1n,
  code: 'bench',
})

try {
  await migrateSchema(db, schema, allMigrations(escrow, schema))
  const payers = Array.from({ length: WRITERS }, (_, w) => `payer_${w}`)
  const payees = Array.from({ length: WRITERS }, (_, w) => `payee_${w}`)
  await openAccounts(
    db,
    schema,
    [...payers, ...payees, 'hot'].map((id) => newAccount(id, 'platform', null)),
    now,
  )
  const tag = uniqueTag()

  /** One writer (no waiting on locks) and `--writers` of them, in the same run. */
  const runs = []
  for (const writers of [...new Set([1, WRITERS])]) {
    progress(`baseline: bare row update on one hot row, ${writers} writers, ${SECONDS}s`)
    const baselineHot = await measure(writers, async () => {
      await db.transaction().execute(async (tx) => {
        await sql`update ${sql.id(schema)}.ledger_accounts set credits_posted = credits_posted + 1
          where account_id = 'hot'`.execute(tx)
      })
      return 1
    })

    progress('contended: every posting credits the hot account')
    const contended = await measure(writers, async (w, n) => {
      const { results } = await createTransfersPg(
        db,
        schema,
        [pay(`c_${tag}_${writers}_${w}_${n}`, payers[w]!, 'hot')],
        { now },
      )
      return results[0] === 'ok' ? 1 : 0
    })

    progress('uncontended: each writer on accounts of its own')
    const uncontended = await measure(writers, async (w, n) => {
      const { results } = await createTransfersPg(
        db,
        schema,
        [pay(`u_${tag}_${writers}_${w}_${n}`, payers[w]!, payees[w]!)],
        { now },
      )
      return results[0] === 'ok' ? 1 : 0
    })

    progress('uncontended, 10 linked postings a batch')
    const linkedBatches = await measure(writers, async (w, n) => {
      const batch = Array.from({ length: 10 }, (_, i) => ({
        ...pay(`l_${tag}_${writers}_${w}_${n}_${i}`, payers[w]!, payees[w]!),
        linked: i < 9,
      }))
      const { results } = await createTransfersPg(db, schema, batch, { now })
      return results.filter((r) => r === 'ok').length
    })
    runs.push({
      writers,
      postingsPerSecond: {
        contendedOneHotAccount: contended,
        uncontended,
        uncontendedLinkedBatchesOf10: linkedBatches,
      },
      baseline: { bareHotRowUpdatesPerSecond: baselineHot },
      ratio: { contendedToBaseline: +(contended / baselineHot).toFixed(2) },
    })
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'ledger',
        seconds: SECONDS,
        synchronousCommit: SYNC,
        runs,
      },
      null,
      2,
    )}\n`,
  )
} finally {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)
  await db.destroy()
}
