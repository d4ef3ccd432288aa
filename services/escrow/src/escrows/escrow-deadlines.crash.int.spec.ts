import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterAll, expect, it } from 'vitest'
import type { Escrow } from '@tessera/contracts'
import { runService } from '@tessera/service-kit'
import {
  type InProcessService,
  eventually,
  killGroupOnExit,
  startInProcess,
  testDatabaseUrl,
  testNatsUrl,
} from '@tessera/testing'
import { escrow } from '../service.ts'
import { EscrowWorld } from '../testing/escrow-world.ts'

/**
 * Escrow as its own process, SIGKILLed while its deadlines are due (some refunds done, some
 * not), then started again: every escrow is refunded exactly once, one void per lock, one
 * EscrowRefunded per stream, and the buyer has all of its money back.
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const ESCROWS = 24
let svc: InProcessService
let child: ChildProcess | undefined

// Should the test process die outright, the child must not outlive it.
killGroupOnExit(() => child)
afterAll(() => svc?.stop())

function startChild(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'services/escrow/src/testing/run-escrow.ts'], {
    cwd: ROOT,
    detached: true,
    stdio: 'ignore',
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: testDatabaseUrl(),
      NATS_URL: testNatsUrl(),
      TESSERA_STREAM_PREFIX: svc.prefix,
      ESCROW_TEST_SCHEMA: svc.schema,
      ESCROW_SCHEDULER_POLL_SECONDS: '0.5',
      LOG_LEVEL: 'silent',
    },
  })
}

async function count(type: string) {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n
    from ${sql.id(svc.schema)}.events where type = ${type}`.execute(svc.db)
  return rows[0]!.n
}

it('kill -9 with deadlines due, restart: each refund happens exactly once', async () => {
  svc = await startInProcess(escrow, { env: { ESCROW_SCHEDULER_POLL_SECONDS: '0.5' } })
  const w = await EscrowWorld.start(svc)
  await w.fund(w.buyer, '1000000000')
  const start = (await w.balances())[`acct_${w.buyer.agentId}`]
  const deadline = new Date(Date.now() + 6000).toISOString()
  for (let i = 0; i < ESCROWS; i++) {
    const pact = await w.pact({ deadlineUtc: deadline, amount: String(1_000_000 + i) })
    const res = await w.call<Escrow>('POST', '/v1/escrows', w.buyerOrg.member, {
      pactId: pact.pactId,
      amount: pact.amount,
      conditionHash: pact.pactHash,
    })
    expect(res.status).toBe(201)
  }
  // the in-process app goes before the deadlines; a process of its own takes over
  await svc.service.stop()
  expect(Date.now()).toBeLessThan(Date.parse(deadline))
  child = startChild()
  await eventually(async () => ((await count('EscrowRefunded')) > 0 ? true : undefined), {
    what: 'the first refunds in the child',
    timeoutMs: 30_000,
    intervalMs: 20,
  })
  process.kill(-child.pid!, 'SIGKILL')
  await new Promise((r) => child!.once('exit', r))
  const atKill = await count('EscrowRefunded')

  svc.replicas[0] = await runService({ ...escrow, name: svc.schema })
  await eventually(async () => ((await count('EscrowRefunded')) === ESCROWS ? true : undefined), {
    what: 'every refund after the restart',
    // a job the kill caught mid-transaction is claimed until it expires (30 s, checked every 15)
    timeoutMs: 90_000,
  })
  // a few more polls: nothing runs twice
  await new Promise((r) => setTimeout(r, 1500))
  expect(await count('EscrowRefunded')).toBe(ESCROWS)
  expect(await count('DeadlineMissed')).toBe(ESCROWS)
  const { rows } = await sql<{ n: number }>`select count(*)::int as n
    from ${sql.id(svc.schema)}.ledger_transfers where kind = 'void_pending'`.execute(svc.db)
  expect(rows[0]!.n).toBe(ESCROWS)
  expect((await w.balances())[`acct_${w.buyer.agentId}`]).toBe(start)
  console.info(`refunds before the kill: ${atKill}/${ESCROWS}`)
}, 180_000)
