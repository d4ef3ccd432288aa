import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SERVICE_NAMES, type ServiceName } from '@tessera/infra-topology'
import { startTelemetry } from '@tessera/observability'
import { buildGateway, type GatewayOptions } from './gateway.ts'
import {
  fakeService,
  rawBody,
  send,
  sendRaw,
  type Answer,
  type FakeService,
} from './testing/fake-service.ts'

// Limits and timeouts over real sockets; every service is one echoing fake.

const MiB = 1024 * 1024
let upstream: FakeService

beforeAll(async () => {
  startTelemetry({ serviceName: 'gateway-test' })
  upstream = await fakeService('echo')
})
afterAll(async () => {
  await upstream.close()
})

async function gatewayWith(
  limits: GatewayOptions['limits'] = {},
  to: FakeService = upstream,
): Promise<{ app: FastifyInstance; base: string }> {
  const urls = Object.fromEntries(SERVICE_NAMES.map((n) => [n, to.url]))
  const app = await buildGateway({ serviceUrls: urls as Record<ServiceName, string>, limits })
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, base }
}

/** A request that announces `Expect: 100-continue` and sends its body only once told to. */
async function sendExpectingContinue(
  base: string,
  body: Buffer,
): Promise<Answer & { continued: boolean }> {
  const { port } = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/orgs',
      headers: {
        expect: '100-continue',
        'content-type': 'application/json',
        'content-length': body.length,
      },
    })
    let continued = false
    req.on('continue', () => {
      continued = true
      req.end(body)
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        const json = JSON.parse(text) as Record<string, unknown>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, continued })
      })
    })
    req.on('error', reject)
  })
}

describe('gateway limits', () => {
  let gateway: { app: FastifyInstance; base: string }

  beforeAll(async () => {
    gateway = await gatewayWith()
  })
  afterAll(async () => {
    await gateway.app.close()
  })

  it('answers `Expect: 100-continue` and forwards the body without the header', async () => {
    // curl sends the header for bodies of 1 MiB and more
    const body = Buffer.from(JSON.stringify({ pad: 'x'.repeat(MiB - 20) }))
    const res = await sendExpectingContinue(gateway.base, body)
    expect(res.status, res.text.slice(0, 300)).toBe(201)
    const seen = upstream.seen.at(-1)
    expect(seen?.body.length).toBe(body.length)
    expect(seen?.headers['expect']).toBeUndefined()
  })

  it('refuses an announced over-limit body before it is sent', async () => {
    const before = upstream.seen.length
    const res = await sendExpectingContinue(gateway.base, Buffer.alloc(2 * MiB, 'a'))
    expect(res.status).toBe(413)
    expect(res.json).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: MiB } })
    expect(res.continued).toBe(false)
    expect(upstream.seen.length).toBe(before)
  })

  it('forwards a body of exactly the limit, and answers 413 itself to one byte more', async () => {
    const exact = Buffer.alloc(MiB, 'a')
    expect((await send(gateway.base, 'POST', '/v1/telemetry', exact)).status).toBe(201)
    const before = upstream.seen.length
    const res = await send(gateway.base, 'POST', '/v1/telemetry', Buffer.alloc(MiB + 1, 'a'), {
      'content-type': 'application/json',
    })
    expect(res.status).toBe(413)
    expect(res.json).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringContaining('1048576') as unknown,
      details: { limit: MiB },
    })
    expect(res.headers.connection).toBe('close')
    expect(upstream.seen.length).toBe(before)
  })

  it('counts a chunked body too, which announces no length', async () => {
    const before = upstream.seen.length
    const chunk = 'b'.repeat(64 * 1024)
    const chunks = Array.from({ length: 17 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`)
    const answer = await sendRaw(gateway.base, [
      'POST /v1/telemetry HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Transfer-Encoding: chunked\r\n\r\n',
      ...chunks,
      '0\r\n\r\n',
    ])
    expect(answer.text).toMatch(/^HTTP\/1\.1 413 /)
    expect(rawBody(answer)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: MiB } })
    expect(upstream.seen.length).toBe(before)
  })

  it('forwards a small chunked body with its length', async () => {
    const answer = await sendRaw(gateway.base, [
      'POST /v1/orgs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      '5\r\n{"a":\r\n',
      '2\r\n1}\r\n0\r\n\r\n',
    ])
    expect(answer.text).toMatch(/^HTTP\/1\.1 201 /)
    expect(upstream.seen.at(-1)?.body).toBe('{"a":1}')
    expect(upstream.seen.at(-1)?.headers['content-length']).toBe('7')
  })

  it('honours a client’s `Connection: close`: says so and closes the socket', async () => {
    const answer = await sendRaw(gateway.base, [
      'GET /v1/orgs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ])
    expect(answer.text).toMatch(/^HTTP\/1\.1 200 /)
    expect(answer.text).toMatch(/\r\nconnection: close\r\n/i)
    expect(answer.text).not.toMatch(/keep-alive/i)
    expect(answer.closed).toBe(true)
  })
})

describe('gateway timeouts', () => {
  it('answers 408 REQUEST_TIMEOUT to a client whose headers never finish', async () => {
    const { app, base } = await gatewayWith({ headersTimeoutMs: 300, requestTimeoutMs: 300 })
    try {
      const answer = await sendRaw(base, ['GET /v1/orgs HTTP/1.1\r\nHost: x\r\n'], 5000)
      expect(answer.closed).toBe(true)
      expect(answer.text).toMatch(/^HTTP\/1\.1 408 /)
      expect(rawBody(answer)).toMatchObject({ code: 'REQUEST_TIMEOUT', details: {} })
    } finally {
      await app.close()
    }
  })

  it('answers 408 REQUEST_TIMEOUT to a body that never finishes, sending nothing upstream', async () => {
    const { app, base } = await gatewayWith({ headersTimeoutMs: 300, requestTimeoutMs: 500 })
    const before = upstream.seen.length
    try {
      const answer = await sendRaw(
        base,
        ['POST /v1/orgs HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"name":'],
        5000,
      )
      expect(answer.closed).toBe(true)
      expect(answer.text).toMatch(/^HTTP\/1\.1 408 /)
      expect(rawBody(answer)).toMatchObject({ code: 'REQUEST_TIMEOUT', details: {} })
      expect(upstream.seen.length).toBe(before)
    } finally {
      await app.close()
    }
  })

  it('answers 504 UPSTREAM_TIMEOUT when a service takes longer than the upstream timeout', async () => {
    const { app, base } = await gatewayWith({ upstreamTimeoutMs: 300 })
    try {
      const res = await send(base, 'GET', '/v1/orgs?delay=3000')
      expect(res.status).toBe(504)
      expect(res.json).toMatchObject({ code: 'UPSTREAM_TIMEOUT', details: { service: 'guardian' } })
    } finally {
      await app.close()
    }
  })

  it('keeps answering others while 150 connections trickle a body', async () => {
    // Four upstream connections for 151 clients: if the gateway streamed bodies upstream, the
    // tricklers would hold all four and the normal request would wait for a timeout.
    const own = await fakeService('pacts')
    const { app, base } = await gatewayWith({ upstreamConnections: 4 }, own)
    const { port } = new URL(base)
    const tricklers: Socket[] = []
    const timers: NodeJS.Timeout[] = []
    try {
      for (let i = 0; i < 150; i++) {
        const socket = connect(Number(port), '127.0.0.1')
        socket.on('error', () => undefined)
        socket.write(
          `POST /v1/orgs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
            `Content-Length: 10000\r\n\r\n{`,
        )
        timers.push(setInterval(() => socket.write(' '), 100))
        tricklers.push(socket)
      }
      // let every trickler get its headers in and its body started
      await new Promise((resolve) => setTimeout(resolve, 500))
      const latencies: number[] = []
      for (let i = 0; i < 20; i++) {
        const started = performance.now()
        const res = await send(base, 'POST', '/v1/pacts', '{"tenant":"other"}', {
          'content-type': 'application/json',
        })
        latencies.push(performance.now() - started)
        expect(res.status).toBe(201)
      }
      latencies.sort((a, b) => a - b)
      const median = latencies[10] ?? NaN
      const max = latencies.at(-1) ?? NaN
      console.log(
        `slow clients: 150 trickling, 20 requests: median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms, upstream peak connections ${own.peakConnections()}`,
      )
      // Generous: on an idle machine this is a few ms; the bound is for a busy 2-core CI box.
      expect(max).toBeLessThan(1000)
      expect(own.peakConnections()).toBeLessThanOrEqual(4)
    } finally {
      for (const t of timers) clearInterval(t)
      for (const s of tricklers) s.destroy()
      await app.close()
      await own.close()
    }
  })
})
