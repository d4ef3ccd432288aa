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
  limits: GatewayLimits
}

/** What one client may cost the gateway; see README.md, "Gateway limits and timeouts". */
export interface GatewayLimits {
  /** Largest request body in bytes; no service accepts more (service-kit's 1 MiB). */
  bodyLimit: number
  /** Longest request target (path and query) in characters. */
  maxUrlLength: number
  /** How long a client may take to send its request line and headers. */
  headersTimeoutMs: number
  /** How long a client may take to send the whole request, body included. */
  requestTimeoutMs: number
  /** How long an idle keep-alive connection stays open; above a load balancer's idle timeout. */
  keepAliveTimeoutMs: number
  /** Connections the gateway opens to each service at most; more requests wait their turn. */
  upstreamConnections: number
  /** How long a service may take to start answering, and between chunks of its answer. */
  upstreamTimeoutMs: number
}

/** Each limit's variable and default, in the order the README lists them. */
export const LIMIT_VARIABLES: Readonly<Record<keyof GatewayLimits, [string, number]>> = {
  bodyLimit: ['GATEWAY_BODY_LIMIT', 1024 * 1024],
  maxUrlLength: ['GATEWAY_MAX_URL_LENGTH', 8192],
  headersTimeoutMs: ['GATEWAY_HEADERS_TIMEOUT_MS', 10_000],
  requestTimeoutMs: ['GATEWAY_REQUEST_TIMEOUT_MS', 30_000],
  keepAliveTimeoutMs: ['GATEWAY_KEEP_ALIVE_TIMEOUT_MS', 72_000],
  upstreamConnections: ['GATEWAY_UPSTREAM_CONNECTIONS', 64],
  upstreamTimeoutMs: ['GATEWAY_UPSTREAM_TIMEOUT_MS', 60_000],
}

export const DEFAULT_LIMITS = Object.fromEntries(
  Object.entries(LIMIT_VARIABLES).map(([key, [, fallback]]) => [key, fallback]),
) as unknown as GatewayLimits

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
  const limits = { ...DEFAULT_LIMITS }
  for (const [key, [name]] of Object.entries(LIMIT_VARIABLES)) {
    const raw = env[name]?.trim()
    if (raw === undefined || raw === '') continue
    const value = Number(raw)
    if (Number.isInteger(value) && value > 0) limits[key as keyof GatewayLimits] = value
    else problems.push(`${name}=${raw} is not a positive integer`)
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    problems.push(
      `GATEWAY_HEADERS_TIMEOUT_MS=${limits.headersTimeoutMs} is longer than GATEWAY_REQUEST_TIMEOUT_MS=${limits.requestTimeoutMs}`,
    )
  }
  if (problems.length > 0) throw new Error(`gateway configuration: ${problems.join('; ')}`)
  return {
    host: env['HOST']?.trim() || '127.0.0.1',
    port: port ?? GATEWAY_PORT,
    serviceUrls,
    readinessTimeoutMs,
    logLevel: env['LOG_LEVEL']?.trim().toLowerCase() || 'info',
    limits,
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
