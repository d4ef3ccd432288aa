import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SERVICE_NAMES, type ServiceName } from '@tessera/infra-topology'
import { startTelemetry } from '@tessera/observability'
import { buildGateway } from './gateway.ts'
import { deadUrl, fakeService, send, type FakeService } from './testing/fake-service.ts'

// Loopback HTTP only (no Postgres, no NATS): real sockets are what the proxy is about.

describe('gateway', () => {
  const fakes = {} as Record<ServiceName, FakeService>
  let gateway: FastifyInstance
  let base: string

  beforeAll(async () => {
    // Counters are created by buildGateway, so the SDK must be up first (as main.ts does).
    startTelemetry({ serviceName: 'gateway-test' })
    for (const name of SERVICE_NAMES) {
      if (name !== 'escrow') fakes[name] = await fakeService(name, name !== 'jury')
    }
    const escrowUrl = await deadUrl()
    const urls = Object.fromEntries(SERVICE_NAMES.map((n) => [n, fakes[n]?.url ?? escrowUrl]))
    gateway = await buildGateway({ serviceUrls: urls as Record<ServiceName, string> })
    base = await gateway.listen({ host: '127.0.0.1', port: 0 })
  })

  afterAll(async () => {
    await gateway.close()
    await Promise.all(Object.values(fakes).map((f) => f.close()))
  })

  it('forwards method, path, query, headers and body, and hands back status and body', async () => {
    const res = await send(base, 'POST', '/v1/orgs?dryRun=1', '{"name":"Demo Org"}', {
      authorization: 'Bearer dev-bootstrap-token',
      'content-type': 'application/json',
    })
    expect(res.status).toBe(201)
    expect(res.json).toEqual({
      service: 'guardian',
      method: 'POST',
      url: '/v1/orgs?dryRun=1',
      body: '{"name":"Demo Org"}',
    })
    const seen = fakes.guardian.seen.at(-1)
    expect(seen?.headers.authorization).toBe('Bearer dev-bootstrap-token')
    expect(seen?.headers['x-forwarded-for']).toBeTruthy()
    expect(seen?.headers['x-request-id']).toBeTruthy()
  })

  it('routes an agent’s telemetry to ingest and the agent to guardian', async () => {
    const telemetry = await send(base, 'POST', '/v1/agents/agt_1/telemetry', '{}')
    const agent = await send(base, 'GET', '/v1/agents/agt_1')
    expect(telemetry.json).toMatchObject({ service: 'ingest', url: '/v1/agents/agt_1/telemetry' })
    expect(agent.json).toMatchObject({ service: 'guardian', url: '/v1/agents/agt_1' })
  })

  it('passes a service’s own error through once, without retrying it', async () => {
    const before = fakes.pacts.seen.length
    const res = await send(base, 'GET', '/v1/pacts/p_1?status=503')
    expect(res.status).toBe(503)
    expect(res.json).toMatchObject({ service: 'pacts' })
    expect(fakes.pacts.seen.length).toBe(before + 1)
  })

  it('answers 404 NOT_FOUND for a path no service serves', async () => {
    for (const [method, url] of [
      ['GET', '/nope'],
      ['POST', '/v2/orgs'],
      ['DELETE', '/'],
      ['TRACE', '/v1/orgs'],
    ] as const) {
      const res = await send(base, method, url)
      expect(res.status, url).toBe(404)
      expect(res.json['code'], url).toBe('NOT_FOUND')
      expect(String(res.json['message']), url).toContain(`no Tessera service serves ${method}`)
    }
  })

  it('refuses paths that climb out of their prefix, and forwards nothing', async () => {
    for (const url of ['/v1/orgs/%2e%2e/keys', '/v1/orgs/../keys', '/v1/orgs/x%2f..%2fkeys']) {
      const res = await send(base, 'GET', url)
      expect([400, 404], url).toContain(res.status)
      expect(['BAD_REQUEST', 'VALIDATION_ERROR', 'NOT_FOUND'], url).toContain(res.json['code'])
    }
    expect(fakes.guardian.seen.some((s) => s.url.includes('keys'))).toBe(false)
  })

  it('answers 502 UPSTREAM_UNAVAILABLE naming the service when it is down', async () => {
    for (const method of ['GET', 'POST']) {
      const res = await send(
        base,
        method,
        '/v1/escrows',
        method === 'POST' ? '{"amount":"1"}' : undefined,
      )
      expect(res.status, method).toBe(502)
      expect(res.json, method).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        details: { service: 'escrow' },
      })
    }
  })

  it('is live always, and ready only when every service is', async () => {
    expect((await gateway.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200)
    const ready = await gateway.inject({ method: 'GET', url: '/health/ready' })
    expect(ready.statusCode).toBe(503)
    const body = ready.json<{ status: string; services: Record<string, { status: string }> }>()
    expect(body.status).toBe('not_ready')
    expect(body.services['guardian']?.status).toBe('ready')
    expect(body.services['jury']?.status).toBe('not_ready')
    expect(body.services['escrow']?.status).toBe('unreachable')
    expect(Object.keys(body.services).sort()).toEqual([...SERVICE_NAMES].sort())
  })

  it('is ready when all six services are', async () => {
    const all = await Promise.all(SERVICE_NAMES.map((n) => fakeService(n)))
    const urls = Object.fromEntries(SERVICE_NAMES.map((n, i) => [n, all[i]?.url]))
    const healthy = await buildGateway({ serviceUrls: urls as Record<ServiceName, string> })
    try {
      const res = await healthy.inject({ method: 'GET', url: '/health/ready' })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ status: 'ready' })
    } finally {
      await healthy.close()
      await Promise.all(all.map((f) => f.close()))
    }
  })

  it('counts routed requests in /metrics', async () => {
    const res = await gateway.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toMatch(
      /^tessera_gateway_requests_total\{[^}]*service="guardian",status="201"[^}]*\} 1$/m,
    )
    expect(res.body).toMatch(
      /^tessera_gateway_upstream_errors_total\{[^}]*service="escrow"[^}]*\} 2$/m,
    )
  })
})
