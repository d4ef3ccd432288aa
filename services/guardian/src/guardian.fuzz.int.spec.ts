import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ErrorBody, FUZZ_REQUEST_BOUND_MS, fuzzRuns, replayFuzzSeed } from '@tessera/testing'
import { GuardianHarness, callJson } from './testing/guardian-harness.ts'
import {
  type OrgIds,
  type Route,
  declaredRoutes,
  guardianRoutes,
  seedOrg,
} from './testing/guardian-routes.ts'
import { cursorText, junk, nasty, pct, shaped, timeText } from './testing/hostile-json.ts'

/**
 * Fuzzes every guardian route over real HTTP with an admin key: bodies built from each route's
 * shape with hostile values in it (NUL, lone surrogates, huge strings, wrong types, nested junk),
 * random path ids, query strings, cursors, content types and bytes. Whatever arrives, the answer
 * comes within a bound, is below 500, and an error is `{code, message, details}`.
 *
 * `TESSERA_FUZZ_SCALE=10` runs every property ten times as often; `TESSERA_FUZZ_SEED=<n>` replays
 * a run (fast-check prints the seed and the shrunk counterexample of a failure).
 */

/** Per test: a scaled-up run takes proportionally longer. */
const TIMEOUT = fuzzRuns(60_000)
replayFuzzSeed()

const TOKEN = 'guardian-fuzz-bootstrap-token'
let h: GuardianHarness
let key: string
/** Real ids of the org's resources, so some fuzzed calls reach past the 404. */
const ids: OrgIds = {}
const ROUTES = guardianRoutes(ids)
const seen = new Map<number, number>()

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN)
  key = String((await callJson(h.url, 'POST', '/v1/orgs', TOKEN, { name: 'Fuzz' })).body['apiKey'])
  Object.assign(ids, await seedOrg(h.url, key))
})

afterAll(async () => {
  console.info(`guardian fuzz: statuses ${JSON.stringify(Object.fromEntries(seen))}`)
  await h?.stop()
})

interface Sent {
  route: Route
  path: string
  query?: string
  body?: string | Uint8Array
  contentType?: string
  authorization?: string | null
}

/** Sends one request and checks what every answer must keep. */
async function send(s: Sent): Promise<{ status: number; body: unknown }> {
  const auth =
    s.authorization === undefined
      ? `Bearer ${s.route.auth === 'bootstrap' ? TOKEN : key}`
      : s.authorization
  const headers: Record<string, string> = {
    ...(auth === null ? {} : { authorization: auth }),
    ...(s.contentType === undefined ? {} : { 'content-type': s.contentType }),
  }
  const url = `${h.url}${s.path}${s.query ? `?${s.query}` : ''}`
  const what = `${s.route.method} ${url.slice(0, 300)} ${s.contentType ?? ''}`
  let res: Response
  try {
    res = await fetch(url, {
      method: s.route.method,
      headers,
      body: s.body ?? null,
      signal: AbortSignal.timeout(FUZZ_REQUEST_BOUND_MS),
    })
  } catch (err) {
    throw new Error(`${what}: no answer within ${FUZZ_REQUEST_BOUND_MS} ms`, { cause: err })
  }
  const text = await res.text()
  seen.set(res.status, (seen.get(res.status) ?? 0) + 1)
  expect(res.status, `${what} -> ${text.slice(0, 300)}`).toBeLessThan(500)
  expect(res.headers.get('content-type') ?? '', what).toMatch(/^application\/json/)
  const body: unknown = JSON.parse(text)
  if (res.status >= 400)
    expect(ErrorBody.safeParse(body).error, `${what} -> ${text}`).toBeUndefined()
  return { status: res.status, body }
}

/** A whole body for a route: its shape fuzzed, or something else entirely. */
const bodyFor = (route: Route): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: shaped(route.body?.() ?? {}) },
    { weight: 1, arbitrary: junk },
    { weight: 1, arbitrary: fc.array(shaped(route.body?.() ?? {}), { maxLength: 3 }) },
  )

const pathId = (real: string | undefined) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(real ?? 'x') },
    { weight: 2, arbitrary: nasty.map(pct) },
    { weight: 1, arbitrary: fc.string({ maxLength: 120 }).map(pct) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '%E2%82',
        '%ED%A0%80',
        '%C0%AF',
        '%FF',
        '%',
        '%zz',
        '..',
        '%2e%2e',
        '%2F',
        'agt_00000000000000000000000000',
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 90, max: 6_000 }).map((n) => 'a'.repeat(n)) },
  )

/** The route's path with each `:name` drawn by `id`. */
const pathOf = (route: Route, id: (real: string | undefined) => fc.Arbitrary<string>) => {
  const parts = route.path
    .split('/')
    .map((p) => (p.startsWith(':') ? id(ids[p.slice(1)]) : fc.constant(p)))
  return fc.tuple(...parts).map((p) => p.join('/'))
}
const realPath = (route: Route) => route.path.replace(/:(\w+)/g, (_, k: string) => ids[k] ?? 'x')

const queryValue = fc.oneof(
  { weight: 2, arbitrary: nasty },
  { weight: 2, arbitrary: timeText },
  { weight: 2, arbitrary: cursorText.map((c) => Buffer.from(c).toString('base64url')) },
  { weight: 1, arbitrary: cursorText },
  { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1', '500', '501', '1e3', 'NaN', '', '[]') },
  {
    weight: 1,
    arbitrary: fc.nat().map((i) => Object.values(ids)[i % Object.keys(ids).length] ?? 'x'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 2_000 }) },
)
const queryFor = (route: Route) =>
  fc
    .array(
      fc.tuple(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...(route.query ?? ['x'])) },
          { weight: 1, arbitrary: nasty },
        ),
        queryValue,
        fc.boolean(),
      ),
      { maxLength: 5 },
    )
    .map((pairs) =>
      pairs
        .map(([k, v, raw]) => `${pct(k)}=${raw ? v.replaceAll(/[&#\s]/g, '') : pct(v)}`)
        .join('&'),
    )

const withBody = ROUTES.filter((r) => r.body)
const withIds = ROUTES.filter((r) => r.path.includes(':'))
const withQuery = ROUTES.filter((r) => r.query)

describe('every guardian route under fuzzing (admin key)', () => {
  it('has a row for every route the controllers declare', () => {
    const norm = (path: string) => path.replace(/:\w+/g, ':')
    expect(ROUTES.map((r) => `${r.method} ${norm(r.path)}`).sort()).toEqual(
      declaredRoutes().map(norm).sort(),
    )
  })

  it(
    'answers bodies built from each route’s shape, hostile values included',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...withBody)
            .chain((route) => fc.tuple(fc.constant(route), bodyFor(route))),
          async ([route, value]) => {
            const body = JSON.stringify(value) ?? 'null'
            await send({ route, path: realPath(route), body, contentType: 'application/json' })
          },
        ),
        { numRuns: fuzzRuns(400) },
      )
    },
    TIMEOUT,
  )

  it(
    'answers random path ids on every route with an id',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...withIds)
            .chain((route) => fc.tuple(fc.constant(route), pathOf(route, pathId))),
          async ([route, path]) => {
            const body = route.body ? JSON.stringify(route.body()) : undefined
            await send({ route, path, body, contentType: body && 'application/json' })
          },
        ),
        { numRuns: fuzzRuns(250) },
      )
    },
    TIMEOUT,
  )

  it(
    'answers random query strings, times and cursors on every list',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...withQuery)
            .chain((route) => fc.tuple(fc.constant(route), queryFor(route))),
          async ([route, query]) => {
            await send({ route, path: realPath(route), query })
          },
        ),
        { numRuns: fuzzRuns(250) },
      )
    },
    TIMEOUT,
  )

  it(
    'answers random content types, bytes and authorization headers',
    async () => {
      const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c))
      const contentType = fc.oneof(
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'application/vnd.api+json',
          'text/plain',
          'text/json',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          '*/*',
          '',
          ';',
        ),
        fc.string({ unit: printable, maxLength: 60 }),
        fc.constant(undefined),
      )
      const bytes = (route: Route) =>
        fc.oneof(
          fc.constant(new TextEncoder().encode(JSON.stringify(route.body?.() ?? {}))),
          fc.uint8Array({ maxLength: 2048 }),
          fc.constant(new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d])),
          fc.string({ unit: 'binary', maxLength: 300 }).map((s) => new TextEncoder().encode(s)),
        )
      const authorization = fc.oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.string({ unit: printable, maxLength: 200 }) },
        {
          weight: 1,
          arbitrary: fc.string({ unit: printable, maxLength: 200 }).map((k) => `Bearer ${k}`),
        },
      )
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...withBody)
            .chain((route) =>
              fc.tuple(fc.constant(route), bytes(route), contentType, authorization),
            ),
          async ([route, body, type, auth]) => {
            const a = await send({
              route,
              path: realPath(route),
              body,
              contentType: type,
              authorization: auth,
            })
            // an empty body is no body: it needs no content type
            if (a.status < 300 && body.length > 0) expect(type ?? '').toMatch(/^application\/json/i)
          },
        ),
        { numRuns: fuzzRuns(200) },
      )
    },
    TIMEOUT,
  )

  it('answers the inputs that used to be 500s with 400 VALIDATION_ERROR on every route', async () => {
    const cursor = Buffer.from('2026-02-31T00:00:00.000Z|agt_0123456789abcdefghjkmnpqrs')
    for (const route of ROUTES) {
      const bad: Sent[] = [
        {
          route,
          path: realPath(route),
          query: `from=0000-01-01T00:00:00Z&to=2026-02-31T00:00:00Z`,
        },
        { route, path: realPath(route), query: `cursor=${cursor.toString('base64url')}` },
        { route, path: realPath(route), query: 'agentId=%00' },
      ]
      if (route.body) {
        const body = { ...route.body(), name: 'a\u0000', x: ['\ud800'] }
        bad.push({
          route,
          path: realPath(route),
          body: JSON.stringify(body),
          contentType: 'application/json',
        })
      }
      if (route.path.includes(':')) {
        for (const id of ['%00', '%E2%82', 'a'.repeat(5_000)])
          bad.push({ route, path: route.path.replace(/:\w+/, id) })
      }
      for (const s of bad) {
        const a = await send(s)
        // a route ignores well-formed query parameters it does not read; NUL is refused anywhere
        const ignored =
          s.query &&
          !s.query.includes('%00') &&
          !(route.query ?? []).some((q) => s.query?.includes(`${q}=`))
        if (!ignored) expect(a.status, `${route.method} ${route.path} ${s.query ?? ''}`).toBe(400)
      }
    }
  })

  it('still serves afterwards', async () => {
    expect((await fetch(`${h.url}/health/live`)).status).toBe(200)
    const a = await callJson(h.url, 'GET', '/v1/orgs/me', key)
    expect(a.status).toBe(200)
  })
})
