import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect } from 'node:net'
import { Body, Controller, Get, Module, Param, Post, Query } from '@nestjs/common'
import { z } from 'zod'
import { ErrorBody, type InProcessService, startInProcess } from '@tessera/testing'
import { NotFound } from './errors.ts'
import { NoApiKey } from './roles.ts'
import { pageQuery } from './page-cursor.ts'
import { QueryTime, parseInput } from './validation.ts'

/**
 * The input rules every service gets from the kit, shown on a service with one route of each
 * kind and no rule of its own: a body that is echoed, an id in the path, times and a cursor in
 * the query. Before the rules, NUL reached Postgres (500), text/plain and form bodies were
 * parsed, and the router's refusals had Fastify's own body.
 */
const Thing = z.object({ name: z.string().max(100), tags: z.array(z.string()).optional() })
const ListQuery = pageQuery().extend({ from: QueryTime.optional(), to: QueryTime.optional() })

@Controller('v1/things')
@NoApiKey('a bare test service: the input rules hold before any key is looked at')
class ThingsController {
  @Post()
  create(@Body() body: unknown) {
    return parseInput(Thing, body)
  }

  @Get()
  list(@Query() query: unknown) {
    const { limit, cursor, from, to } = parseInput(ListQuery, query)
    return { limit, cursor: cursor ?? null, from: from ?? null, to: to ?? null }
  }

  @Get(':id')
  get(@Param('id') id: string) {
    if (id !== 'thg_1') throw NotFound('thing', id)
    return { id }
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

let svc: InProcessService

beforeAll(async () => {
  svc = await startInProcess({ name: 'kit_input', context: 'guardian', module: ThingsModule })
})
afterAll(async () => {
  await svc?.stop()
})

async function call(
  method: string,
  path: string,
  body?: string | Uint8Array,
  contentType?: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${svc.url}${path}`, {
    method,
    headers: contentType ? { 'content-type': contentType } : {},
    body: body ?? null,
  })
  const text = await res.text()
  expect(res.headers.get('content-type'), text).toMatch(/^application\/json/)
  return { status: res.status, body: JSON.parse(text) }
}

/** Calls and expects a `{code, message, details}` body with this status and code. */
async function refused(
  status: number,
  code: string,
  ...args: Parameters<typeof call>
): Promise<z.infer<typeof ErrorBody>> {
  const res = await call(...args)
  expect(res.status, JSON.stringify(res.body)).toBe(status)
  const body = ErrorBody.parse(res.body)
  expect(body.code).toBe(code)
  return body
}

const json = (v: unknown) => JSON.stringify(v)
const cursorOf = (text: string) => Buffer.from(text).toString('base64url')

describe('strings Postgres cannot store', () => {
  it.each([
    ['NUL in a field', json({ name: 'a\u0000b' }), 'name'],
    ['a lone high surrogate', json({ name: 'a\ud800' }), 'name'],
    ['a lone low surrogate in an array', json({ name: 'a', tags: ['ok', '\udc00'] }), 'tags.1'],
    ['NUL in an unknown nested field', json({ name: 'a', x: { y: ['\u0000'] } }), 'x.y.0'],
    ['NUL in a key', '{"name":"a","meta":{"k\\u0000":1}}', 'meta.k\ufffd'],
  ])('refuses %s in the body with 400 VALIDATION_ERROR naming it', async (_, body, path) => {
    const err = await refused(
      400,
      'VALIDATION_ERROR',
      'POST',
      '/v1/things',
      body,
      'application/json',
    )
    expect(err.details).toEqual({ issues: [expect.objectContaining({ in: 'body', path })] })
  })

  it('refuses NUL in a query parameter, naming it', async () => {
    const err = await refused(400, 'VALIDATION_ERROR', 'GET', '/v1/things?from=%00')
    expect(err.details).toEqual({
      issues: [expect.objectContaining({ in: 'query', path: 'from' })],
    })
  })

  it('refuses NUL in a path id, naming it', async () => {
    const err = await refused(400, 'VALIDATION_ERROR', 'GET', '/v1/things/%00')
    expect(err.details).toEqual({ issues: [expect.objectContaining({ in: 'path', path: 'id' })] })
  })

  it('still walks a body nested 50,000 deep without overflowing the stack', async () => {
    const nested = `${'['.repeat(50_000)}"\\u0000"${']'.repeat(50_000)}`
    await refused(400, 'VALIDATION_ERROR', 'POST', '/v1/things', nested, 'application/json')
  })

  it('accepts other text: emoji, U+FFFD, U+2028, RTL marks', async () => {
    const name = 'ok 🙂 \ufffd \u2028 \u200f'
    const res = await call('POST', '/v1/things', json({ name }), 'application/json')
    expect(res).toEqual({ status: 201, body: { name } })
  })
})

describe('path ids the router cannot read', () => {
  it.each([
    ['broken percent-encoding', '/v1/things/%E2%82'],
    ['an encoded lone surrogate', '/v1/things/%ED%A0%80'],
    ['an id of 5000 characters', `/v1/things/${'a'.repeat(5000)}`],
    ['an id of 101 characters', `/v1/things/${'a'.repeat(101)}`],
  ])('answers %s with 400 VALIDATION_ERROR', async (_, path) => {
    await refused(400, 'VALIDATION_ERROR', 'GET', path)
  })

  it('answers an id of 100 characters as the route does: 404 NOT_FOUND', async () => {
    await refused(404, 'NOT_FOUND', 'GET', `/v1/things/${'a'.repeat(100)}`)
  })
})

describe('times and cursors in a query', () => {
  it.each([
    ['year 0000', 'from=0000-01-01T00:00:00Z'],
    ['year 1969', 'from=1969-12-31T23:59:59Z'],
    ['Feb 31st', 'to=2026-02-31T00:00:00Z'],
    ['Feb 29th of a common year', 'to=2026-02-29T00:00:00Z'],
    ['hour 24', 'from=2026-01-01T24:00:00Z'],
    ['no zone', 'from=2026-01-01T00:00:00'],
    [
      'a cursor at Feb 31st',
      `cursor=${cursorOf('2026-02-31T00:00:00.000Z|thg_0123456789abcdefghjkmnpqrs')}`,
    ],
    [
      'a cursor in year 0000',
      `cursor=${cursorOf('0000-01-01T00:00:00.000Z|thg_0123456789abcdefghjkmnpqrs')}`,
    ],
    ['a cursor that is not base64url', 'cursor=%2B%2F%3D'],
    ['a cursor of random bytes', `cursor=${Buffer.from([0xff, 0x7c, 0xfe]).toString('base64url')}`],
  ])('refuses %s with 400 VALIDATION_ERROR', async (_, q) => {
    await refused(400, 'VALIDATION_ERROR', 'GET', `/v1/things?${q}`)
  })

  it('reads real times, offsets and leap days, and a cursor it handed out', async () => {
    const cursor = cursorOf('2024-02-29T12:00:00.000Z|thg_0123456789abcdefghjkmnpqrs')
    const res = await call(
      'GET',
      `/v1/things?from=2024-02-29T00:00:00%2B14:00&to=9999-12-31T23:59:59Z&cursor=${cursor}`,
    )
    expect(res).toEqual({
      status: 200,
      body: {
        limit: 50,
        cursor: { at: '2024-02-29T12:00:00.000Z', id: 'thg_0123456789abcdefghjkmnpqrs' },
        from: '2024-02-29T00:00:00+14:00',
        to: '9999-12-31T23:59:59Z',
      },
    })
  })
})

describe('content types', () => {
  const body = json({ name: 'a' })

  it.each([
    ['text/plain', body, 'text/plain'],
    ['text/plain with a charset', body, 'text/plain; charset=utf-8'],
    ['a form', 'name=a', 'application/x-www-form-urlencoded'],
    [
      'multipart',
      '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\na\r\n--x--',
      'multipart/form-data; boundary=x',
    ],
    ['JSON declared as latin1', body, 'application/json; charset=latin1'],
    ['JSON declared as UTF-16', body, 'application/json; charset=utf-16'],
    ['no content type', body, undefined],
    [
      'JSON that is not UTF-8',
      new Uint8Array([...Buffer.from('{"name":"caf'), 0xe9, ...Buffer.from('"}')]),
      'application/json',
    ],
  ])('answers %s with 415 UNSUPPORTED_MEDIA_TYPE', async (_, b, type) => {
    await refused(415, 'UNSUPPORTED_MEDIA_TYPE', 'POST', '/v1/things', b, type)
  })

  it.each([
    ['application/json', 'application/json'],
    ['a utf-8 charset', 'application/json; charset=utf-8'],
    ['a quoted UTF-8 charset', 'application/json; charset="UTF-8"'],
  ])('reads JSON sent as %s', async (_, type) => {
    expect(await call('POST', '/v1/things', body, type)).toEqual({
      status: 201,
      body: { name: 'a' },
    })
  })
})

describe('every error is {code, message, details}', () => {
  it.each([
    [404, 'NOT_FOUND', 'GET', '/nope'],
    [404, 'NOT_FOUND', 'DELETE', '/v1/things'],
    [400, 'MALFORMED_JSON', 'POST', '/v1/things', '{"name":', 'application/json'],
    [400, 'MALFORMED_JSON', 'POST', '/v1/things', '', 'application/json'],
    [400, 'MALFORMED_JSON', 'POST', '/v1/things', '{"__proto__":{"x":1}}', 'application/json'],
    [
      413,
      'PAYLOAD_TOO_LARGE',
      'POST',
      '/v1/things',
      json({ name: 'a'.repeat(1_100_000) }),
      'application/json',
    ],
  ] as const)(
    '%i %s for %s %s',
    async (status, code, method, path, body?: string, type?: string) => {
      await refused(status, code, method, path, body, type)
    },
  )

  /** Writes raw bytes to the port and reads the answer of the HTTP parser itself. */
  async function rawHttp(request: string): Promise<{ status: number; body: unknown }> {
    const { hostname, port } = new URL(svc.url)
    const socket = connect(Number(port), hostname)
    socket.write(request)
    const chunks: Buffer[] = []
    for await (const chunk of socket) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString()
    const [head = '', rest = ''] = text.split('\r\n\r\n')
    return { status: Number(head.split(' ')[1]), body: JSON.parse(rest) }
  }

  it('answers a request that is not HTTP with 400 BAD_REQUEST', async () => {
    const res = await rawHttp('GARBAGE\r\n\r\n')
    expect(res.status).toBe(400)
    expect(ErrorBody.parse(res.body).code).toBe('BAD_REQUEST')
  })

  it('answers headers over the limit with 431 HEADERS_TOO_LARGE', async () => {
    const res = await rawHttp(
      `GET /v1/things HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    )
    expect(res.status).toBe(431)
    expect(ErrorBody.parse(res.body).code).toBe('HEADERS_TOO_LARGE')
  })
})
