/**
 * Which processes make up Tessera and where each listens by default. The one place these
 * are written: services' env defaults, the gateway, the start script, e2e and the compose check
 * all read it.
 */
export const SERVICE_PORTS = {
  ingest: 8081,
  guardian: 8082,
  pacts: 8083,
  escrow: 8084,
  jury: 8085,
  scoring: 8086,
} as const

export type ServiceName = keyof typeof SERVICE_PORTS

export const SERVICE_NAMES = Object.keys(SERVICE_PORTS) as ServiceName[]

export const GATEWAY_PORT = 8080

/**
 * The bootstrap token `scripts/start.sh` and compose use when the operator sets none; guardian
 * refuses it on any address beyond loopback.
 */
export const DEV_BOOTSTRAP_TOKEN = 'dev-bootstrap-token'
