import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { ErrorBody, hostileText } from '@tessera/testing'
import { GuardianHarness, type Json, callJson } from './testing/guardian-harness.ts'

/**
 * Fuzzes every guardian route over real HTTP with an admin key: bodies built from each route's
 * shape with hostile values in it (NUL, lone surrogates, huge strings, wrong types, nested junk),
 * random path ids, query strings, cursors, content types and bytes. Whatever arrives, the answer
 * comes within a bound, is below 500, and an error is `{code, message, details}`.
 *
 * `TESSERA_FUZZ_SCALE=10` runs every property ten times as often; `TESSERA_FUZZ_SEED=<n>` replays
 * a run (fast-check prints the seed and the shrunk counterexample of a failure).
 */

const runs = (n: number) => Math.ceil(n * Number(process.env['TESSERA_FUZZ_SCALE'] ?? 1))
/** Per test: a scaled-up run takes proportionally longer. */
const TIMEOUT = runs(60_000)
const seed = process.env['TESSERA_FUZZ_SEED']
if (seed) fc.configureGlobal({ seed: Number(seed) })

/** Generous on a busy 2-core box: a request that takes this long is a hang, not a slow answer. */
const REQUEST_BOUND_MS = 15_000
const TOKEN = 'guardian-fuzz-bootstrap-token'
let h: GuardianHarness
let key: string
/** Real ids of the org's resources, so some fuzzed calls reach past the 404. */
const ids: Record<string, string> = {}
const seen = new Map<number, number>()

async function ok(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await callJson(h.url, method, path, key, body)
  if (res.status >= 300) throw new Error(`setup ${method} ${path}: ${res.status}`)
  return res.body
}

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN)
  key = String((await callJson(h.url, 'POST', '/v1/orgs', TOKEN, { name: 'Fuzz' })).body['apiKey'])
  const agent = (name: string) =>
    ok('POST', '/v1/agents', { name, framework: 't', capabilities: ['web:search', 'db:*'] })
  ids['agent'] = String((await agent('a1'))['id'])
  ids['peer'] = String((await agent('a2'))['id'])
  const token = await ok('POST', '/v1/tokens', { agentId: ids['agent'], scopes: ['web:search'] })
  ids['token'] = String(token['tokenId'])
  ids['tokenSecret'] = String(token['token'])
  const session = await ok('POST', '/v1/sessions', {
    agentId: ids['agent'],
    serverId: 's',
    mode: 'supervised',
  })
  ids['session'] = String(session['sessionId'])
  const check = await ok('POST', '/v1/actions/check', {
    agentId: ids['agent'],
    toolName: 'db_delete',
    sessionId: ids['session'],
  })
  ids['check'] = String(check['checkId'])
  ids['approval'] = String(check['approvalId'])
  const delegation = await ok('POST', '/v1/delegations', {
    fromAgentId: ids['agent'],
    toAgentId: ids['peer'],
    scope: ['web:search'],
    ttlSeconds: 600,
  })
  ids['delegation'] = String(delegation['delegationId'])
  // a second key to revoke: the fuzzer never gets the id of the key it calls with
  ids['key'] = String((await ok('POST', '/v1/keys', { name: 'm', role: 'member' }))['keyId'])
})

afterAll(async () => {
  console.info(`guardian fuzz: statuses ${JSON.stringify(Object.fromEntries(seen))}`)
  await h?.stop()
})

interface Route {
  method: 'GET' | 'POST' | 'PUT'
  /** `:name` segments are filled from {@link ids} or by the fuzzer. */
  path: string
  /** A valid body: the shape the fuzzer builds its bodies from. */
  body?: () => Json
  /** The query parameters the route reads. */
  query?: string[]
  auth?: 'bootstrap'
}

const PAGE = ['limit', 'cursor']
const ROUTES: Route[] = [
  { method: 'POST', path: '/v1/orgs', body: () => ({ name: 'Fuzz org' }), auth: 'bootstrap' },
  { method: 'GET', path: '/v1/orgs/me' },
  { method: 'POST', path: '/v1/keys', body: () => ({ name: 'k', role: 'member' }) },
  { method: 'GET', path: '/v1/keys', query: ['status'] },
  { method: 'POST', path: '/v1/keys/:key/revoke' },
  {
    method: 'POST',
    path: '/v1/agents',
    body: () => ({
      name: 'n',
      framework: 'f',
      capabilities: ['web:search'],
      metadata: { team: 'x', n: 1 },
    }),
  },
  { method: 'GET', path: '/v1/agents', query: [...PAGE, 'status'] },
  { method: 'GET', path: '/v1/agents/:agent' },
  { method: 'POST', path: '/v1/agents/:peer/revoke', body: () => ({ reason: 'r' }) },
  {
    method: 'POST',
    path: '/v1/agents/:agent/card',
    body: () => ({
      description: 'd',
      version: '1',
      skills: [{ id: 'web:search', name: 'S', tags: ['t'], examples: ['e'] }],
    }),
  },
  { method: 'POST', path: '/v1/agents/:agent/card/publish', body: () => ({ description: 'd' }) },
  { method: 'POST', path: '/v1/agents/:agent/card/unpublish' },
  { method: 'GET', path: '/a2a/agents/:agent/agent-card.json' },
  { method: 'GET', path: '/a2a/jwks.json' },
  {
    method: 'POST',
    path: '/v1/tokens',
    body: () => ({
      agentId: ids['agent'],
      scopes: ['web:search'],
      audience: ['a'],
      ttlSeconds: 60,
    }),
  },
  {
    method: 'POST',
    path: '/v1/tokens/introspect',
    body: () => ({ token: ids['tokenSecret'], target: 't', requiredScopes: ['web:search'] }),
  },
  { method: 'POST', path: '/v1/tokens/:token/revoke' },
  {
    method: 'POST',
    path: '/v1/sessions',
    body: () => ({
      agentId: ids['agent'],
      serverId: 's',
      mode: 'supervised',
      scopeCeiling: ['web:search'],
    }),
  },
  { method: 'GET', path: '/v1/sessions/:session' },
  {
    method: 'POST',
    path: '/v1/actions/check',
    body: () => ({
      agentId: ids['agent'],
      toolName: 'db_delete',
      sessionId: ids['session'],
      toolInputSummary: 'drop it',
      actionEffect: 'write',
      params: { amount: 5, to: 'x' },
    }),
  },
  {
    method: 'GET',
    path: '/v1/actions/checks',
    query: [...PAGE, 'agentId', 'sessionId', 'decision', 'rule', 'from', 'to'],
  },
  { method: 'GET', path: '/v1/actions/checks/:check' },
  { method: 'GET', path: '/v1/approvals', query: [...PAGE, 'status', 'agentId'] },
  { method: 'GET', path: '/v1/approvals/:approval' },
  {
    method: 'POST',
    path: '/v1/approvals/:approval/approve',
    body: () => ({ decidedBy: 'd', reason: 'r' }),
  },
  {
    method: 'POST',
    path: '/v1/approvals/:approval/deny',
    body: () => ({ decidedBy: 'd', reason: 'r' }),
  },
  {
    method: 'POST',
    path: '/v1/delegations',
    body: () => ({
      fromAgentId: ids['agent'],
      toAgentId: ids['peer'],
      scope: ['web:search'],
      ttlSeconds: 60,
    }),
  },
  { method: 'GET', path: '/v1/delegations', query: [...PAGE, 'agentId', 'status'] },
  { method: 'GET', path: '/v1/delegations/:delegation' },
  { method: 'POST', path: '/v1/delegations/:delegation/revoke', body: () => ({ reason: 'r' }) },
  {
    method: 'POST',
    path: '/v1/delegations/:delegation/sessions',
    body: () => ({ serverId: 's', mode: 'restricted' }),
  },
  { method: 'GET', path: '/v1/guard/policy' },
  {
    method: 'PUT',
    path: '/v1/guard/policy',
    body: () => ({
      rules: [{ name: 'r1', decision: 'deny', tools: ['transfer_funds'], reason: 'no' }],
      timezone: 'UTC',
      approvalWindowSeconds: 600,
    }),
  },
]

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
      signal: AbortSignal.timeout(REQUEST_BOUND_MS),
    })
  } catch (err) {
    throw new Error(`${what}: no answer within ${REQUEST_BOUND_MS} ms`, { cause: err })
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

/** Strings JSON carries but Postgres cannot store, and other text that trips parsers. */
const nasty = hostileText(
  'a\u0000b',
  '\u202e',
  '',
  ' ',
  '%00',
  '../../etc/passwd',
  "'; drop table agents; --",
  '${jndi:x}',
  'web:*',
  '*',
  '2026-02-31T00:00:00Z',
  '0000-01-01T00:00:00Z',
)
const huge = fc
  .tuple(fc.integer({ min: 1_000, max: 300_000 }), fc.constantFrom('a', '\u00e9', '🙂', '\u0000'))
  .map(([n, c]) => c.repeat(n))
const deep = fc
  .integer({ min: 10, max: 800 })
  .map((n) => JSON.parse(`${'['.repeat(n)}1${']'.repeat(n)}`) as unknown)
const wrongType = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, 2 ** 53, [], {}),
  fc.double(),
  fc.integer(),
)
const junk = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: wrongType },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: deep },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.string(), nasty), nasty, { maxKeys: 4 }) },
)

/** Values like `sample`: mostly it, sometimes a near miss of its type, sometimes junk. */
function like(sample: unknown, depth = 0): fc.Arbitrary<unknown> {
  const near: fc.Arbitrary<unknown>[] = []
  if (typeof sample === 'string') near.push(nasty, fc.string({ maxLength: 300 }))
  if (typeof sample === 'number') near.push(fc.integer(), fc.double(), fc.constant(String(sample)))
  if (Array.isArray(sample) && depth < 4)
    near.push(fc.array(sample.length ? like(sample[0], depth + 1) : junk, { maxLength: 6 }))
  if (typeof sample === 'object' && sample !== null && !Array.isArray(sample) && depth < 4)
    near.push(shaped(sample as Json, depth + 1))
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant(sample) },
    { weight: 2, arbitrary: near.length ? fc.oneof(...near) : junk },
    { weight: 1, arbitrary: junk },
  )
}

/** An object with each field kept, changed or dropped, and unknown fields added. */
function shaped(sample: Json, depth = 0): fc.Arbitrary<Json> {
  const fields = Object.fromEntries(Object.entries(sample).map(([k, v]) => [k, like(v, depth)]))
  return fc
    .tuple(
      fc.record(fields, { requiredKeys: [] }),
      fc.option(fc.dictionary(fc.oneof(fc.string(), nasty), junk, { maxKeys: 3 }), { freq: 4 }),
    )
    .map(([o, extra]) => (extra ? { ...extra, ...o } : o))
}

/** A whole body for a route: its shape fuzzed, or something else entirely. */
const bodyFor = (route: Route): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: shaped(route.body?.() ?? {}) },
    { weight: 1, arbitrary: junk },
    { weight: 1, arbitrary: fc.array(shaped(route.body?.() ?? {}), { maxLength: 3 }) },
  )

/** `%`-encodes text byte by byte, lone surrogates included (encodeURIComponent throws on them). */
function pct(text: string): string {
  let out = ''
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('')
    } else out += encodeURIComponent(ch)
  }
  return out
}

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

const cursorText = fc.oneof(
  fc.constantFrom(
    '2026-02-31T00:00:00.000Z|agt_0123456789abcdefghjkmnpqrs',
    '0000-01-01T00:00:00.000Z|agt_0123456789abcdefghjkmnpqrs',
    '2026-01-01T00:00:00.000Z|agt_0123456789abcdefghjkmnpqrs',
    '9999-12-31T23:59:59.999Z|chk_0123456789abcdefghjkmnpqrs',
    '2026-01-01T00:00:00.000Z|\u0000',
    '|',
    '',
  ),
  fc.string(),
  fc.tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 40 })).map(([a, b]) => `${a}|${b}`),
)
const timeText = fc.oneof(
  fc.constantFrom(
    '2026-02-31T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '9999-12-31T23:59:59Z',
    '10000-01-01T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:00:00+99:00',
    '2026-01-01',
    'yesterday',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
)
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

/** `METHOD /path` of every route guardian's controllers declare, read from their source. */
function declaredRoutes(): string[] {
  const dir = dirname(fileURLToPath(import.meta.url))
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.controller.ts'))
    .flatMap((f) => {
      const src = readFileSync(join(dir, f), 'utf8')
      const prefix = /@Controller\('([^']*)'\)/.exec(src)?.[1] ?? ''
      return [...src.matchAll(/@(Get|Post|Put|Patch|Delete)\((?:'([^']*)')?\)/g)].map(
        ([, method, sub]) => `${method!.toUpperCase()} /${[prefix, sub].filter(Boolean).join('/')}`,
      )
    })
}

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
        { numRuns: runs(400) },
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
        { numRuns: runs(250) },
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
        { numRuns: runs(250) },
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
        { numRuns: runs(200) },
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
