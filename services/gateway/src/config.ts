import {
  GATEWAY_PORT,
  SERVICE_NAMES,
  SERVICE_PORTS,
  type ServiceName,
} from '@tessera/infra-topology'

export interface GatewayConfig {
  host: string
  port: number
  /** Origin of each service, e.g. `http://127.0.0.1:8082`; never with a path. */
  serviceUrls: Record<ServiceName, string>
  /** How long `/health/ready` waits for each service's own readiness answer. */
  readinessTimeoutMs: number
  logLevel: string
}

type Env = Readonly<Record<string, string | undefined>>

/** `GUARDIAN_URL` for guardian, and so on. */
export function serviceUrlVariable(service: ServiceName): string {
  return `${service.toUpperCase()}_URL`
}

/** Reads the gateway's settings; throws one message naming every bad variable. */
export function loadConfig(env: Env = process.env): GatewayConfig {
  const problems: string[] = []
  const serviceUrls = {} as Record<ServiceName, string>
  for (const service of SERVICE_NAMES) {
    const name = serviceUrlVariable(service)
    const raw = env[name]?.trim() || `http://127.0.0.1:${SERVICE_PORTS[service]}`
    const origin = toOrigin(raw)
    if (origin === undefined) problems.push(`${name}=${raw} is not an http(s) URL without a path`)
    else serviceUrls[service] = origin
  }
  const port = toPort(env['PORT'], GATEWAY_PORT)
  if (port === undefined) problems.push(`PORT=${env['PORT']} is not a port number`)
  const readinessTimeoutMs = Number(env['GATEWAY_READINESS_TIMEOUT_MS'] ?? 2000)
  if (!Number.isInteger(readinessTimeoutMs) || readinessTimeoutMs <= 0) {
    problems.push(
      `GATEWAY_READINESS_TIMEOUT_MS=${env['GATEWAY_READINESS_TIMEOUT_MS']} is not a positive integer`,
    )
  }
  if (problems.length > 0) throw new Error(`gateway configuration: ${problems.join('; ')}`)
  return {
    host: env['HOST']?.trim() || '127.0.0.1',
    port: port ?? GATEWAY_PORT,
    serviceUrls,
    readinessTimeoutMs,
    logLevel: env['LOG_LEVEL']?.trim().toLowerCase() || 'info',
  }
}

function toOrigin(raw: string): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return undefined
  }
  const pathless = url.pathname === '/' && url.search === '' && url.hash === ''
  return (url.protocol === 'http:' || url.protocol === 'https:') && pathless
    ? url.origin
    : undefined
}

function toPort(raw: string | undefined, fallback: number): number | undefined {
  if (raw === undefined || raw.trim() === '') return fallback
  const port = Number(raw)
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined
}
