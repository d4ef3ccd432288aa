/**
 * A fresh place for one run: a database `bench_<name>_<tag>` on the server of
 * `TESSERA_TEST_DATABASE_URL` and the streams of a prefix `BENCH<TAG>_`, both dropped at
 * clean-up; and a description of the machine the run shares.
 */
import os from 'node:os'
import pg from 'pg'
import type { NatsConnection } from '@nats-io/transport-node'
import { connectBus, deleteStreams, provisionStreams } from '@tessera/bus'
import { testDatabaseUrl, testNatsUrl, uniqueTag } from '@tessera/testing'
import { onCleanUp, progress, round } from './cli.ts'

export interface BenchEnvironment {
  dbName: string
  dbUrl: string
  prefix: string
  /** A small pool on the bench's database, for setup and verification. */
  pool: pg.Pool
  nc: NatsConnection
}

export async function freshEnvironment(name: string): Promise<BenchEnvironment> {
  const tag = uniqueTag()
  const dbName = `bench_${name}_${tag}`
  const prefix = `BENCH${tag.toUpperCase()}_`
  const adminUrl = testDatabaseUrl()
  const dbUrl = new URL(adminUrl)
  dbUrl.pathname = `/${dbName}`

  const admin = new pg.Client({ connectionString: adminUrl, application_name: 'tessera-bench' })
  await admin.connect()
  onCleanUp(() => admin.end())
  await admin.query(`create database "${dbName}"`)
  onCleanUp(async () => {
    await admin.query(`drop database if exists "${dbName}" with (force)`)
  })
  const pool = new pg.Pool({
    connectionString: dbUrl.toString(),
    max: 3,
    application_name: 'tessera-bench',
  })
  // pool.end() resolves before the sockets close; a FATAL from the forced drop that races it
  // must not crash the run.
  pool.on('error', (err) => progress(`bench pool: ${err.message}`))
  onCleanUp(() => pool.end())
  const nc = await connectBus({ url: testNatsUrl(), name: 'tessera-bench' })
  onCleanUp(() => nc.close())
  await provisionStreams(nc, prefix)
  onCleanUp(() => deleteStreams(nc, prefix))
  progress(`database ${dbName}; stream prefix ${prefix}`)
  return { dbName, dbUrl: dbUrl.toString(), prefix, pool, nc }
}

/** `service` names what shares the cores with the load generator, Postgres and NATS. */
export async function machine(pool: pg.Pool, nc: NatsConnection, service: string) {
  const { rows } = await pool.query<{ v: string; sb: string; sc: string }>(
    `select version() as v, current_setting('shared_buffers') as sb,
            current_setting('synchronous_commit') as sc`,
  )
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    totalMemoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: rows[0]?.v.split(' on ')[0],
    postgresSettings: { shared_buffers: rows[0]?.sb, synchronous_commit: rows[0]?.sc },
    natsServer: nc.info?.version,
    loadAverageBefore: os.loadavg().map((l) => round(l, 2)),
    note: `the load generator, ${service}, Postgres and NATS share these cores: every figure includes that contention, and other processes on the machine show up under whereTheTimeGoes.cpu`,
  }
}
