import { describe, expect, it } from 'vitest'
import { SERVICE_NAMES } from '@tessera/infra-topology'
import { matchRoute, ROUTES } from './routes.ts'

const serviceOf = (url: string) => matchRoute(url)?.service

describe('gateway route table', () => {
  it.each([
    ['POST', '/api/events', 'ingest'],
    ['POST', '/v1/telemetry/batch', 'ingest'],
    ['GET', '/v1/telemetry/sessions/s1?limit=10', 'ingest'],
    ['POST', '/v1/agents/agt_1/telemetry', 'ingest'],
    ['GET', '/v1/agents/agt_1/telemetry/sessions', 'ingest'],
    ['POST', '/v1/orgs', 'guardian'],
    ['GET', '/v1/orgs/org_1', 'guardian'],
    ['POST', '/v1/keys', 'guardian'],
    ['POST', '/v1/agents', 'guardian'],
    ['GET', '/v1/agents/agt_1', 'guardian'],
    ['POST', '/v1/agents/agt_1/tokens', 'guardian'],
    ['POST', '/v1/tokens', 'guardian'],
    ['POST', '/v1/actions/check', 'guardian'],
    ['POST', '/v1/sessions', 'guardian'],
    ['POST', '/v1/approvals/apr_1/approve', 'guardian'],
    ['POST', '/v1/delegations', 'guardian'],
    ['PUT', '/v1/guard/policy', 'guardian'],
    ['GET', '/a2a/agents/agt_1/card', 'guardian'],
    ['POST', '/v1/pacts', 'pacts'],
    ['GET', '/v1/rooms/pact_1', 'pacts'],
    ['GET', '/.well-known/tessera-keys.json', 'pacts'],
    ['POST', '/v1/escrows', 'escrow'],
    ['GET', '/v1/accounts/acc_1', 'escrow'],
    ['GET', '/v1/balances', 'escrow'],
    ['POST', '/v1/bonds', 'escrow'],
    ['POST', '/v1/disputes', 'jury'],
    ['GET', '/v1/jury/verdicts/v_1', 'jury'],
    ['GET', '/api/v1/trust/orgs/org_1', 'scoring'],
    ['POST', '/api/v1/trust/agt_1/evaluate', 'scoring'],
  ])('%s %s goes to %s', (_method, url, service) => {
    expect(serviceOf(url)).toBe(service)
  })

  it('sends an agent’s telemetry to ingest but the agent itself to guardian', () => {
    expect(serviceOf('/v1/agents/agt_9/telemetry')).toBe('ingest')
    expect(serviceOf('/v1/agents/agt_9/telemetryx')).toBe('guardian')
    expect(serviceOf('/v1/agents/telemetry')).toBe('guardian')
  })

  it('matches whole segments only', () => {
    expect(serviceOf('/v1/orgsx')).toBeUndefined()
    expect(serviceOf('/api/eventsource')).toBeUndefined()
    expect(serviceOf('/api/v1/trustee')).toBeUndefined()
    expect(serviceOf('/v1/ORGS')).toBeUndefined()
  })

  it('accepts a trailing slash, a query string and a fragment', () => {
    expect(serviceOf('/v1/orgs/')).toBe('guardian')
    expect(serviceOf('/v1/pacts?status=open&x=/v1/orgs')).toBe('pacts')
    expect(serviceOf('/v1/escrows#top')).toBe('escrow')
  })

  it('never forwards paths that are unknown or could climb out of their prefix', () => {
    for (const url of [
      '/',
      '',
      'v1/orgs',
      '/health/ready',
      '/v2/orgs',
      '/v1/orgs/../keys',
      '/v1/orgs/./x',
      '/v1/orgs/%2e%2e/keys',
      '/v1/orgs/x%2f..%2fkeys',
      '/v1/orgs/x%5c..%5ckeys',
      '/v1//orgs',
      '/v1/orgs//x',
      '/v1/orgs/%zz',
      '/v1/agents//telemetry',
      '/.well-known/openid-configuration',
      // no service serves policies on their own: a policy is evaluated against an agent
      '/v1/policies/evaluate',
    ]) {
      expect(matchRoute(url), url).toBeUndefined()
    }
  })

  it('gives every service at least one route, and no prefix twice', () => {
    const routed = new Set(ROUTES.map((r) => r.service))
    expect([...routed].sort()).toEqual([...SERVICE_NAMES].sort())
    const prefixes = ROUTES.map((r) => r.prefix)
    expect(new Set(prefixes).size).toBe(prefixes.length)
  })

  it('prefers the more specific of two overlapping routes whatever their order', () => {
    const routes = [
      { prefix: '/x', service: 'guardian' },
      { prefix: '/x/*/y', service: 'ingest' },
      { prefix: '/x/z/y', service: 'pacts' },
    ] as const
    expect(matchRoute('/x/z/y', routes)?.service).toBe('pacts')
    expect(matchRoute('/x/q/y/1', routes)?.service).toBe('ingest')
    expect(matchRoute('/x/q', routes)?.service).toBe('guardian')
    expect(matchRoute('/x/z/y', [...routes].reverse())?.service).toBe('pacts')
  })
})
