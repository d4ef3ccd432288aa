import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** Postgres and NATS for one e2e run, with a database and stream prefix of its own. */
export interface E2eInfra {
  /** Connection string of this run's own database. */
  databaseUrl: string
  natsUrl: string
  streamPrefix: string
  /** `testcontainers` or `env`: which path provided the servers. */
  source: 'testcontainers' | 'env'
  dispose(): Promise<void>
}

/**
 * Uses testcontainers when a container runtime answers; otherwise the servers named by
 * `TESSERA_E2E_DATABASE_URL` and `TESSERA_E2E_NATS_URL` (CI and machines without Docker).
 */
export async function startInfra(): Promise<E2eInfra> {
  const tag = randomBytes(4).toString('hex')
  const fromEnv = process.env['TESSERA_E2E_DATABASE_URL'] && process.env['TESSERA_E2E_NATS_URL']
  if (!fromEnv && (await containerRuntimeAvailable())) return startContainers(tag)
  const adminUrl = process.env['TESSERA_E2E_DATABASE_URL']
  const natsUrl = process.env['TESSERA_E2E_NATS_URL']
  if (!adminUrl || !natsUrl) {
    throw new Error(
      'no container runtime found: set TESSERA_E2E_DATABASE_URL (a Postgres URL whose user may ' +
        'CREATE DATABASE) and TESSERA_E2E_NATS_URL (a NATS server with JetStream)',
    )
  }
  const db = await createDatabase(adminUrl, `e2e_${tag}`)
  return {
    databaseUrl: db.url,
    natsUrl,
    streamPrefix: `E${tag.toUpperCase()}_`,
    source: 'env',
    dispose: () => db.drop(),
  }
}

async function containerRuntimeAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers')
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 5000)),
    ])
    return true
  } catch {
    return false
  }
}

async function startContainers(tag: string): Promise<E2eInfra> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql')
  const { NatsContainer } = await import('@testcontainers/nats')
  const [pgc, natsc] = await Promise.all([
    new PostgreSqlContainer('postgres:15').start(),
    new NatsContainer('nats:2.10').withJetStream().start(),
  ])
  return {
    databaseUrl: pgc.getConnectionUri(),
    natsUrl: `nats://${natsc.getHost()}:${natsc.getMappedPort(4222)}`,
    streamPrefix: `E${tag.toUpperCase()}_`,
    source: 'testcontainers',
    async dispose() {
      await Promise.all([pgc.stop(), natsc.stop()])
    },
  }
}

async function createDatabase(adminUrl: string, name: string) {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database "${name}"`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`drop database if exists "${name}" with (force)`)
      await c.end()
    },
  }
}
