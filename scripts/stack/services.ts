/**
 * What `scripts/start.sh` runs: the six services and the gateway, each with its port and
 * environment. Names and ports come from infra/topology, like everywhere else.
 */
import { DEV_BOOTSTRAP_TOKEN, GATEWAY_PORT, SERVICE_PORTS } from '@tessera/infra-topology'

export { DEV_BOOTSTRAP_TOKEN }

export interface ProcessSpec {
  /** `ingest` … `scoring`, or `gateway`. */
  name: string
  /** Relative to the repository root. */
  entry: string
  port: number
  /** Where this machine reaches it, e.g. `http://127.0.0.1:8082`. */
  url: string
  /** Variables set on top of the orchestrator's own environment. */
  env: Record<string, string>
}

export interface StackConfig {
  /** The address every process listens on (`TESSERA_HOST`). */
  host: string
  processes: ProcessSpec[]
  databaseUrl: string
  natsUrl: string
  bootstrapToken: string
  readyTimeoutMs: number
}

type Env = Readonly<Record<string, string | undefined>>

/** Reads `<NAME>_PORT`, `TESSERA_HOST`, `DATABASE_URL`, `NATS_URL` and friends. */
export function stackConfig(env: Env): StackConfig {
  const host = env['TESSERA_HOST']?.trim() || '127.0.0.1'
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  const dbName = env['TESSERA_DB_NAME']?.trim() || 'tessera'
  const databaseUrl = env['DATABASE_URL'] || `postgres://postgres@127.0.0.1:5432/${dbName}`
  const natsUrl = env['NATS_URL'] || 'nats://127.0.0.1:4222'
  const bootstrapToken = env['TESSERA_BOOTSTRAP_TOKEN'] || DEV_BOOTSTRAP_TOKEN
  const timeoutS = Number(env['TESSERA_READY_TIMEOUT_S'] || 90)
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
    throw new Error(
      `TESSERA_READY_TIMEOUT_S=${env['TESSERA_READY_TIMEOUT_S']} is not a number of seconds`,
    )
  }

  const common = {
    HOST: host,
    DATABASE_URL: databaseUrl,
    NATS_URL: natsUrl,
    // logs are read through a pipe and prefixed: colour codes would only get in the way
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  }
  const services: ProcessSpec[] = Object.entries(SERVICE_PORTS).map(([name, fallback]) => {
    const port = portFrom(env, `${name.toUpperCase()}_PORT`, fallback)
    return {
      name,
      entry: `services/${name}/src/main.ts`,
      port,
      url: `http://${reachable}:${port}`,
      env: {
        ...common,
        PORT: String(port),
        ...(name === 'guardian' ? { TESSERA_BOOTSTRAP_TOKEN: bootstrapToken } : {}),
      },
    }
  })
  const gatewayPort = portFrom(env, 'GATEWAY_PORT', GATEWAY_PORT)
  const gateway: ProcessSpec = {
    name: 'gateway',
    entry: 'services/gateway/src/main.ts',
    port: gatewayPort,
    url: `http://${reachable}:${gatewayPort}`,
    env: {
      ...common,
      PORT: String(gatewayPort),
      ...Object.fromEntries(services.map((s) => [`${s.name.toUpperCase()}_URL`, s.url])),
    },
  }
  return {
    host,
    processes: [...services, gateway],
    databaseUrl,
    natsUrl,
    bootstrapToken,
    readyTimeoutMs: timeoutS * 1000,
  }
}

function portFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const port = Number(raw)
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`${name}=${raw} is not a port number`)
  }
  return port
}
