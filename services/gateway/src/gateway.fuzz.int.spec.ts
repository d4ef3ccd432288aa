import { connect } from 'node:net'
import type { FastifyInstance } from 'fastify'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { SERVICE_NAMES, type ServiceName } from '@tessera/infra-topology'
import { startTelemetry } from '@tessera/observability'
import { buildGateway } from './gateway.ts'
import { ROUTES } from './routes.ts'
import { fakeService, send, type FakeService } from './testing/fake-service.ts'
import { fuzzRuns } from '@tessera/testing'

/**
 * Fuzzes the gateway over raw sockets with methods, paths, headers and bodies no well-behaved
 * client sends. Every service is a fake that answers 200/201 with its echo, so a 5xx or an
 * error body that is not `{code, message, details}` can only be the gateway's own.
 */

const ErrorBody = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  message: z.string().min(1),
  details: z.record(z.string(), z.unknown()),
})

const BODY_LIMIT = 2048
/** Twice the request timeout below, and some: an answer later than this is a hang. */
const DEADLINE_MS = 5000

interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** One request written byte for byte, `Connection: close`; resolves with the parsed answer. */
function exchange(port: number, request: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer within ${DEADLINE_MS} ms`))
    }, DEADLINE_MS)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearTimeout(timer)
      try {
        resolve(parseResponse(Buffer.concat(chunks).toString('latin1')))
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)))
      }
    })
    // not end(): Node aborts a request whose client half-closes before the answer
    socket.write(request)
  })
}

function parseResponse(raw: string): RawResponse {
  // an interim `100 Continue` may come first
  const text = raw.replace(/^HTTP\/1\.1 100 [^\r]*\r\n\r\n/, '')
  const end = text.indexOf('\r\n\r\n')
  if (end < 0) throw new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`)
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n')
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1])
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  let body = text.slice(end + 4)
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body)
  return { status, headers, body: Buffer.from(body, 'latin1').toString('utf8') }
}

function dechunk(text: string): string {
  let out = ''
  let at = 0
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at)
    const size = parseInt(text.slice(at, lineEnd), 16)
    if (!(size > 0)) return out
    out += text.slice(lineEnd + 2, lineEnd + 2 + size)
    at = lineEnd + 2 + size + 2
  }
}

// --- what the fuzzer sends ---

const method = fc.oneof(
  {
    arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'),
    weight: 5,
  },
  fc.constantFrom('PROPFIND', 'SEARCH', 'QUERY', 'get', 'P0ST', 'BREW'),
)

const segment = fc.oneof(
  { arbitrary: fc.constantFrom('v1', 'agents', 'orgs', 'telemetry', '.', '..', 'a1'), weight: 4 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/), weight: 4 },
  // well- and ill-formed %-escapes, overlong UTF-8, an encoded NUL
  fc.constantFrom('%E0%A4%A', '%', '%zz', '%00', '%C0%AE', '%2f', '%E2%82%AC', '%FF%FE'),
  // raw bytes no request line should carry: NUL, space, controls, non-ASCII
  fc.constantFrom('\u0000', 'a b', '\u0007', 'é', '\u{1F600}', '\t', '\\'),
  fc.integer({ min: 100, max: 9000 }).map((n) => 'x'.repeat(n)),
)

const path = fc
  .tuple(
    fc.constantFrom(...ROUTES.map((r) => r.prefix.replace('*', 'agt_1')), '/', '/nope'),
    fc.array(segment, { maxLength: 4 }),
    fc.option(fc.stringMatching(/^[a-z=&%0-9A-F.]{0,40}$/), { nil: undefined }),
  )
  .map(([prefix, rest, query]) => {
    const joined = [prefix.replace(/\/$/, ''), ...rest].join('/') || '/'
    return query === undefined ? joined : `${joined}?${query}`
  })

const headerValue = fc
  .oneof(
    { arbitrary: fc.string({ maxLength: 60 }), weight: 4 },
    fc.string({ unit: 'binary', maxLength: 60 }),
  )
  .filter((v) => !/[\r\n]/.test(v))
  .map((v) => v.trim())

const header = fc.oneof(
  {
    arbitrary: fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/), headerValue),
    weight: 3,
  },
  fc.tuple(
    fc.constantFrom(
      'Content-Type',
      'Expect',
      'Transfer-Encoding',
      'Content-Length',
      'Connection',
      'Keep-Alive',
      'Upgrade',
      'Content-Encoding',
      'X-Request-Id',
      'X-Forwarded-For',
      'Authorization',
    ),
    fc.oneof(
      headerValue,
      fc.constantFrom(
        'application/json',
        'application/json; charset=latin1',
        'text/plain',
        'multipart/form-data; boundary=x',
        ';;;',
        '100-continue',
        'chunked',
        'gzip',
        'close',
        '-1',
        '99999999999999999999',
        'h2c',
      ),
    ),
  ),
)

const body = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
  fc.json().map((j) => Buffer.from(j)),
  fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
  // around the limit, so some are refused
  fc.integer({ min: BODY_LIMIT - 2, max: 2 * BODY_LIMIT }).map((n) => Buffer.alloc(n, '{')),
)

const request = fc.record({ method, path, headers: fc.array(header, { maxLength: 3 }), body })

type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never

function render(r: FuzzRequest): Buffer {
  const head =
    `${r.method} ${r.path} HTTP/1.1\r\nHost: tessera.test\r\n` +
    r.headers.map(([name, value]) => `${name}: ${value}\r\n`).join('') +
    `Content-Length: ${r.body.length}\r\nConnection: close\r\n\r\n`
  return Buffer.concat([Buffer.from(head, 'latin1'), r.body])
}

describe('gateway fuzz', () => {
  let upstream: FakeService
  let gateway: FastifyInstance
  let base: string
  const statuses = new Map<number, number>()

  beforeAll(async () => {
    startTelemetry({ serviceName: 'gateway-test' })
    upstream = await fakeService('echo')
    const urls = Object.fromEntries(SERVICE_NAMES.map((n) => [n, upstream.url]))
    gateway = await buildGateway({
      serviceUrls: urls as Record<ServiceName, string>,
      limits: { bodyLimit: BODY_LIMIT, headersTimeoutMs: 1000, requestTimeoutMs: 2000 },
    })
    base = await gateway.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => {
    console.log(`gateway fuzz statuses: ${JSON.stringify(Object.fromEntries(statuses))}`)
    await gateway?.close()
    await upstream?.close()
  })

  it('never answers 5xx, never hangs, and every error is {code, message, details}', async () => {
    const port = Number(new URL(base).port)
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await exchange(port, render(r))
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        const what = `${res.status} ${res.body.slice(0, 300)}`
        expect(res.status, what).toBeGreaterThanOrEqual(200)
        expect(res.status, what).toBeLessThan(500)
        if (res.status >= 300 && r.method !== 'HEAD') {
          expect(res.headers['content-type'], what).toMatch(/^application\/json/)
          const parsed = ErrorBody.safeParse(JSON.parse(res.body))
          expect(parsed.error, what).toBeUndefined()
        }
      }),
      { numRuns: fuzzRuns(400) },
    )
    // and it still serves
    const after = await send(base, 'POST', '/v1/orgs', '{"name":"after"}', {
      'content-type': 'application/json',
    })
    expect(after.status).toBe(201)
  })
})
