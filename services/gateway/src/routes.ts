/**
 * The gateway's whole routing policy, as data: which service answers which public path.
 * A Kubernetes Ingress, when there is one, must carry the same table.
 */

import type { ServiceName } from '@tessera/infra-topology'

export interface Route {
  /** Path prefix, matched whole segment by whole segment; `*` stands for exactly one segment. */
  readonly prefix: string
  readonly service: ServiceName
}

export const ROUTES: readonly Route[] = [
  { prefix: '/api/events', service: 'ingest' },
  { prefix: '/v1/telemetry', service: 'ingest' },
  { prefix: '/v1/agents/*/telemetry', service: 'ingest' },

  { prefix: '/v1/orgs', service: 'guardian' },
  { prefix: '/v1/keys', service: 'guardian' },
  { prefix: '/v1/agents', service: 'guardian' },
  { prefix: '/v1/tokens', service: 'guardian' },
  { prefix: '/v1/actions', service: 'guardian' },
  { prefix: '/v1/sessions', service: 'guardian' },
  { prefix: '/v1/approvals', service: 'guardian' },
  { prefix: '/v1/delegations', service: 'guardian' },
  { prefix: '/v1/guard', service: 'guardian' },
  { prefix: '/a2a', service: 'guardian' },

  { prefix: '/v1/pacts', service: 'pacts' },
  { prefix: '/v1/rooms', service: 'pacts' },
  // the keys that sign room checkpoints; other /.well-known documents are nobody's yet
  { prefix: '/.well-known/tessera-keys.json', service: 'pacts' },

  { prefix: '/v1/escrows', service: 'escrow' },
  { prefix: '/v1/accounts', service: 'escrow' },
  { prefix: '/v1/balances', service: 'escrow' },
  { prefix: '/v1/bonds', service: 'escrow' },

  { prefix: '/v1/disputes', service: 'jury' },
  { prefix: '/v1/jury', service: 'jury' },

  { prefix: '/api/v1/trust', service: 'scoring' },
]

interface CompiledRoute {
  route: Route
  segments: readonly string[]
  literals: number
}

/**
 * Longest prefix first, and among equally long ones the one with more literal segments, so
 * `/v1/agents/a1/telemetry` goes to ingest while `/v1/agents/a1` stays with guardian.
 */
function compile(routes: readonly Route[]): CompiledRoute[] {
  return routes
    .map((route) => {
      const segments = route.prefix.split('/').slice(1)
      return { route, segments, literals: segments.filter((s) => s !== '*').length }
    })
    .sort((a, b) => b.segments.length - a.segments.length || b.literals - a.literals)
}

const compiledDefault = compile(ROUTES)

/**
 * The route serving `url` (a path, query string allowed), or undefined. Paths with empty,
 * `.` or `..` segments (also percent-encoded) match nothing: they are never forwarded.
 */
export function matchRoute(url: string, routes: readonly Route[] = ROUTES): Route | undefined {
  const compiled = routes === ROUTES ? compiledDefault : compile(routes)
  const path = url.split(/[?#]/, 1)[0] ?? ''
  if (!path.startsWith('/')) return undefined
  // a single trailing slash is harmless (`/v1/orgs/`), any other empty segment is not
  const segments = (path.endsWith('/') && path.length > 1 ? path.slice(0, -1) : path)
    .split('/')
    .slice(1)
  if (segments.some(isSuspiciousSegment)) return undefined
  return compiled.find((c) => matchesPrefix(c.segments, segments))?.route
}

function matchesPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  if (path.length < prefix.length) return false
  return prefix.every((p, i) => (p === '*' ? path[i] !== '' : p === path[i]))
}

function isSuspiciousSegment(segment: string): boolean {
  if (segment === '') return true
  let decoded: string
  try {
    decoded = decodeURIComponent(segment)
  } catch {
    return true
  }
  // an encoded separator may hide a dot-segment: `%2e%2e%2fkeys`
  return decoded.split(/[/\\]/).some((piece) => piece === '.' || piece === '..')
}
