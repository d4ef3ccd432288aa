import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { SERVICE_NAMES, type ServiceName } from '@tessera/infra-topology'
import { startTelemetry } from '@tessera/observability'
import { buildGateway } from './gateway.ts'
import { fakeService, rawBody, send, sendRaw, type FakeService } from './testing/fake-service.ts'

// What the gateway answers by itself, before any service is asked: always `{code, message, details}`.

const ErrorBody = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  message: z.string().min(1),
  details: z.record(z.string(), z.unknown()),
})

describe('gateway error bodies', () => {
  let upstream: FakeService
  let gateway: FastifyInstance
  let base: string

  beforeAll(async () => {
    startTelemetry({ serviceName: 'gateway-test' })
    upstream = await fakeService('echo')
    const urls = Object.fromEntries(SERVICE_NAMES.map((n) => [n, upstream.url]))
    gateway = await buildGateway({ serviceUrls: urls as Record<ServiceName, string> })
    base = await gateway.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => {
    await gateway.close()
    await upstream.close()
  })

  it('answers 400 VALIDATION_ERROR, as the services do, to a path with a broken %-escape', async () => {
    const res = await send(base, 'GET', '/v1/agents/%E0%A4%A')
    expect(res.status).toBe(400)
    expect(ErrorBody.parse(res.json).code).toBe('VALIDATION_ERROR')
    expect(res.headers['content-type']).toMatch(/^application\/json/)
  })

  it('answers 404 NOT_FOUND with details', async () => {
    const res = await send(base, 'GET', '/nope?x=1')
    expect(res.status).toBe(404)
    expect(ErrorBody.parse(res.json)).toMatchObject({
      code: 'NOT_FOUND',
      details: { method: 'GET', path: '/nope' },
    })
  })

  it('answers 414 URI_TOO_LONG to a request target over 8192 characters', async () => {
    const ok = await send(base, 'GET', `/v1/agents/${'a'.repeat(8000)}`)
    expect(ok.status).toBe(200)
    const res = await send(base, 'GET', `/v1/agents/${'a'.repeat(10_000)}`)
    expect(res.status).toBe(414)
    expect(ErrorBody.parse(res.json)).toMatchObject({
      code: 'URI_TOO_LONG',
      details: { limit: 8192 },
    })
    expect(upstream.seen.some((s) => s.url.length > 8192)).toBe(false)
  })

  it('answers 431 with JSON to headers over the size limit', async () => {
    const answer = await sendRaw(base, [
      `GET /v1/orgs HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20_000)}\r\n\r\n`,
    ])
    expect(answer.text).toMatch(/^HTTP\/1\.1 431 /)
    expect(ErrorBody.parse(rawBody(answer)).code).toBe('HEADERS_TOO_LARGE')
  })

  it('answers 400 with JSON to a request line no HTTP parser accepts', async () => {
    for (const raw of [
      'NOT A REQUEST\r\n\r\n',
      'GET /v1/orgs HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST /v1/orgs HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n',
    ]) {
      const answer = await sendRaw(base, [raw])
      expect(answer.text, raw).toMatch(/^HTTP\/1\.1 400 /)
      expect(ErrorBody.parse(rawBody(answer)).code, raw).toBe('BAD_REQUEST')
    }
  })
})
