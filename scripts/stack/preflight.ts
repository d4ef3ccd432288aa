import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import pg from 'pg'
import type { ProcessSpec } from './services.ts'

// Checks made before anything starts, each returning a problem in words or undefined, so
// that a missing service or a busy port is reported as that and not as a 90 s timeout.

export function checkNode(): string | undefined {
  const major = Number(process.versions.node.split('.')[0])
  return major >= 24
    ? undefined
    : `Node ${process.versions.node} is running this; Tessera needs 24 (run it through scripts/start.sh, which uses node_modules/.bin/node)`
}

export function missingEntries(
  root: string,
  processes: readonly ProcessSpec[],
): string | undefined {
  const missing = processes.filter((p) => !existsSync(join(root, p.entry)))
  if (missing.length === 0) return undefined
  return `these services have no entry point yet, so Tessera cannot start:\n${missing
    .map((p) => `  ${p.name}: ${p.entry} is missing`)
    .join('\n')}`
}

export async function busyPorts(
  processes: readonly ProcessSpec[],
  host: string,
): Promise<string | undefined> {
  const busy: string[] = []
  for (const p of processes) {
    if (!(await portIsFree(host, p.port))) {
      busy.push(
        `  ${p.name}: port ${p.port} is in use (set ${p.name.toUpperCase()}_PORT to move it)`,
      )
    }
  }
  if (busy.length === 0) return undefined
  return `is Tessera already running? These ports are taken:\n${busy.join('\n')}`
}

function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

export async function checkPostgres(databaseUrl: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    await client.query('select 1')
    return undefined
  } catch (err) {
    return `cannot use Postgres at ${redact(databaseUrl)}: ${err instanceof Error ? err.message : String(err)}`
  } finally {
    await client.end().catch(() => undefined)
  }
}

export async function checkNats(natsUrl: string): Promise<string | undefined> {
  let nc
  try {
    nc = await connect({ servers: natsUrl, timeout: 5000, maxReconnectAttempts: 0 })
  } catch (err) {
    return `cannot reach NATS at ${natsUrl}: ${err instanceof Error ? err.message : String(err)}`
  }
  try {
    await (await jetstreamManager(nc)).getAccountInfo()
    return undefined
  } catch (err) {
    return `NATS at ${natsUrl} has no JetStream (start nats-server with -js): ${err instanceof Error ? err.message : String(err)}`
  } finally {
    await nc.close().catch(() => undefined)
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return url
  }
}
