import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { jetstream } from '@nats-io/jetstream'
import { publishEnvelopes } from '@tessera/bus'
import { routeTable } from '@tessera/service-kit'
import {
  ErrorBody,
  eventually,
  FUZZ_REQUEST_BOUND_MS,
  fuzzRuns,
  hostileText,
  type InProcessService,
  metadataFor,
  replayFuzzSeed,
  startInProcess,
} from '@tessera/testing'
import { scoring } from './service.ts'
import { market } from './testing/market.ts'

/**
 * Fuzzes scoring's public trust routes over real HTTP: hostile agent and org ids (any unicode,
 * very long, path-ish, `did:key:` with junk, near-miss handles) and hostile evaluate bodies
 * (a valid policy with one member replaced, junk JSON, malformed text, other content types,
 * bodies over the size cap), against a known agent as well as unknown ones. Whatever arrives,
 * the answer comes within a bound, is below 500, and an error is `{code, message, details}`.
 * `TESSERA_FUZZ_SCALE` and `TESSERA_FUZZ_SEED` as in guardian's fuzz suite.
 */
const TIMEOUT = fuzzRuns(120_000)
replayFuzzSeed()
/** The kit's default body cap (1 MiB). */
const BODY_LIMIT = 1024 * 1024

const m = market({ seed: 77, orgs: 2, honestAgents: 3, honestTrades: 8, rings: [] })
const agent = m.agents[0]!
/** Ids that resolve, so some fuzzed calls reach past the 404. */
const known = [agent.agentId, `A-${agent.handle}`, agent.handle]
const ROUTES = [
  { method: 'GET', path: (id: string) => `/api/v1/trust/${id}` },
  { method: 'GET', path: (id: string) => `/api/v1/trust/${id}/explain` },
  { method: 'POST', path: (id: string) => `/api/v1/trust/${id}/evaluate` },
  { method: 'GET', path: (id: string) => `/api/v1/trust/orgs/${id}` },
] as const
const POLICY = {
  minCompositeScore: 500,
  capability: 'web:search',
  minCapabilityTaskCount: 1,
  minBondTier: 0,
  minFulfillmentRate90d: 0.5,
  maxDaysInactive: 30,
  amount: '6000000000',
  rejectAnomalies: true,
}
let svc: InProcessService
const seen = new Map<number, number>()

beforeAll(async () => {
  // no explain budget: a 429 would stand between the fuzzer and the handler
  svc = await startInProcess(scoring, { env: { SCORING_EXPLAIN_RATE_LIMIT_PER_MINUTE: '0' } })
  const js = jetstream(svc.nc)
  for (const context of ['guardian', 'escrow', 'jury', 'pacts'] as const) {
    const mine = m.events
      .filter((e) => e.context === context)
      .map((e) => ({
        type: e.type,
        data: e.data,
        metadata: { ...metadataFor(e.context), eventId: e.eventId },
      }))
    await publishEnvelopes(js, context, mine, svc.prefix)
  }
  await eventually(
    async () =>
      (await fetch(`${svc.url}/api/v1/trust/${agent.agentId}`)).status === 200 ? true : undefined,
    { what: 'the seeded agent’s profile', timeoutMs: 30_000 },
  )
}, 60_000)
afterAll(async () => {
  console.info(`scoring fuzz: statuses ${JSON.stringify(Object.fromEntries(seen))}`)
  await svc?.stop()
})

/** Sends one request and checks what every answer must keep. */
async function send(method: string, path: string, body?: string | Uint8Array, type?: string) {
  const what = `${method} ${path.slice(0, 300)} ${type ?? ''} ${String(body ?? '').slice(0, 300)}`
  let res: Response
  try {
    res = await fetch(`${svc.url}${path}`, {
      method,
      headers: type === undefined ? {} : { 'content-type': type },
      body: body ?? null,
      signal: AbortSignal.timeout(FUZZ_REQUEST_BOUND_MS),
    })
  } catch (err) {
    throw new Error(`${what}: no answer within ${FUZZ_REQUEST_BOUND_MS} ms`, { cause: err })
  }
  const text = await res.text()
  seen.set(res.status, (seen.get(res.status) ?? 0) + 1)
  expect(res.status, `${what} -> ${text.slice(0, 300)}`).toBeLessThan(500)
  expect(res.headers.get('content-type') ?? '', what).toMatch(/^application\/json/)
  const parsed: unknown = JSON.parse(text)
  if (res.status >= 400)
    expect(ErrorBody.safeParse(parsed).error, `${what} -> ${text}`).toBeUndefined()
  return { status: res.status, body: parsed }
}

/** `%`-encodes text byte by byte, a lone surrogate as its 3 bytes (not U+FFFD). */
function pct(text: string): string {
  let out = ''
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    out +=
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
            .map((b) => `%${b.toString(16).toUpperCase()}`)
            .join('')
        : encodeURIComponent(ch)
  }
  return out
}

const base58 = fc.constantFrom(...'123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz')
const hex = fc.constantFrom(...'0123456789abcdef')
const base36 = fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyz')
/** A path segment: real ids, near misses of each id form, any text, raw escapes. */
const pathId = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...known, ...m.agents.map((a) => a.orgId)) },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        hostileText('did:key:', 'did:key:z', 'did:key:z6Mk', 'A-', 'agt_', 'org_', '../', ' '),
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc
          .tuple(
            fc.constantFrom('did:key:z', 'did:key:', 'did:key:z6Mk'),
            fc.string({ unit: 'binary', maxLength: 120 }),
          )
          .map(([p, s]) => p + s),
        // lengths drawn evenly: the DID pattern ends at 100 base58 characters, the router at 100
        fc
          .integer({ min: 1, max: 160 })
          .chain((n) => fc.string({ unit: base58, minLength: n, maxLength: n }))
          .map((s) => `did:key:z${s}`),
        fc
          .tuple(fc.constantFrom('', 'A-', 'a-', 'A-0x'), fc.string({ unit: hex, maxLength: 12 }))
          .map(([p, s]) => p + s),
        fc
          .tuple(
            fc.constantFrom('agt_', 'org_'),
            fc.string({ unit: base36, minLength: 26, maxLength: 26 }),
          )
          .map(([p, s]) => p + s),
        fc.string({ unit: base58, minLength: 20, maxLength: 32 }).map((s) => `agt_${s}`),
      )
      .map(pct),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('%E2%82', '%ED%A0%80', '%C0%AF', '%FF', '%', '%zz', '..', '%2F'),
  },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 7_000 }).map((n) => 'a'.repeat(n)) },
)

/** What replaces one member of a valid body. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileText('1e21', '-1', '9'.repeat(39), '0x10', ' 1', '١٢'),
  fc.constantFrom(null, true, false, 0, -0, -1, 0.5, 1.5, 1e21, 1e308, -1e308, 2 ** 53 + 1, [], {}),
  fc.double(),
  fc.bigInt({ min: 0n, max: 10n ** 60n }).map(String),
  fc.integer({ min: 1_000, max: 60_000 }).map((n) => 'é'.repeat(n)),
  fc.jsonValue({ maxDepth: 3 }),
)
/** `value` with the member at a random path replaced, or a new member added. */
function mutate(value: unknown, pick: number[], replacement: unknown): unknown {
  if (pick.length === 0 || typeof value !== 'object' || value === null) return replacement
  const keys = [...Object.keys(value), 'extra']
  const key = keys[pick[0]! % keys.length]!
  const copy = { ...(value as Record<string, unknown>) }
  copy[key] = mutate(copy[key], pick.slice(1), replacement)
  return copy
}
/** Policies the contract accepts, edges included: evaluate itself runs on these. */
const validPolicy = fc.record(
  {
    minCompositeScore: fc.integer({ min: 0, max: 1000 }),
    capability: fc.oneof(fc.constant('web:search'), fc.string({ minLength: 1, maxLength: 200 })),
    minCapabilityTaskCount: fc.integer({ min: 0, max: 1_000_000 }),
    minBondTier: fc.integer({ min: 0, max: 5 }),
    minFulfillmentRate90d: fc.double({ min: 0, max: 1, noNaN: true }),
    maxDaysInactive: fc.integer({ min: 0, max: 3650 }),
    amount: fc.bigInt({ min: 0n, max: 10n ** 38n - 1n }).map(String),
    rejectAnomalies: fc.boolean(),
  },
  { requiredKeys: [] },
)
const evaluateBody = fc.oneof(
  { weight: 3, arbitrary: validPolicy.map((policy) => ({ policy })) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), hostile)
      .map(([pick, value]) => mutate({ policy: POLICY }, pick, value)),
  },
  {
    weight: 2,
    arbitrary: fc
      .record(
        Object.fromEntries(Object.keys(POLICY).map((k) => [k, fc.oneof(hostile, fc.nat(1000))])),
        { requiredKeys: [] },
      )
      .map((policy) => ({ policy })),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
)
const validEvaluate = JSON.stringify({ policy: POLICY })
const approvedOf = (evaluation: unknown) => typeof (evaluation as { approved?: unknown }).approved

describe('scoring’s trust routes under fuzzing', () => {
  it('fuzzes every trust route the controllers declare', () => {
    const declared = routeTable(svc.service.app)
      .filter((r) => r.path.startsWith('/api/v1/trust'))
      .map((r) => `${r.method} ${r.path.replace(/:\w+/g, ':')}`)
    expect(declared.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path(':')}`).sort())
  })

  it(
    'answers hostile agent and org ids on every route below 500',
    async () => {
      let answered = 0
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...ROUTES), pathId, async (route, id) => {
          const post = route.method === 'POST'
          const r = await send(
            route.method,
            route.path(id),
            post ? validEvaluate : undefined,
            post ? 'application/json' : undefined,
          )
          if (r.status === 200) answered++
        }),
        { numRuns: fuzzRuns(300) },
      )
      // some ids were real, so the handlers themselves ran, not only the 404
      expect(answered).toBeGreaterThan(0)
    },
    TIMEOUT,
  )

  it(
    'answers arbitrary policies for the known agent (and unknown ids) below 500',
    async () => {
      let evaluated = 0
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(...known) },
            { weight: 1, arbitrary: pathId },
          ),
          evaluateBody,
          async (id, value) => {
            const body = JSON.stringify(value) ?? 'null'
            const a = await send('POST', ROUTES[2].path(id), body, 'application/json')
            if (a.status === 200) {
              expect(approvedOf(a.body)).toBe('boolean')
              evaluated++
            }
          },
        ),
        { numRuns: fuzzRuns(400) },
      )
      // some policies were valid for a known agent: evaluatePolicy itself ran
      expect(evaluated).toBeGreaterThan(0)
    },
    TIMEOUT,
  )

  it(
    'answers malformed JSON, other content types, deep nesting and oversized bodies below 500',
    async () => {
      const text = fc.oneof(
        fc.constantFrom(
          '',
          '{',
          '{"policy":',
          '{"policy":{}',
          'null',
          '[]',
          '"x"',
          '{"policy":1e400}',
        ),
        fc.constantFrom('{"policy":{"minCompositeScore":1e400}}', '{"policy":{},"policy":[]}'),
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc
          .integer({ min: 10, max: 20_000 })
          .map((n) => `{"policy":${'['.repeat(n)}${']'.repeat(n)}}`),
        fc
          .integer({ min: BODY_LIMIT - 64, max: BODY_LIMIT + 64 * 1024 })
          .map((n) => `{"policy":{"capability":"${'x'.repeat(n)}"}}`),
        fc.string({ maxLength: 200 }).map((s) => validEvaluate.slice(0, -1) + s),
      )
      const bytes = fc.oneof(
        { weight: 4, arbitrary: text.map((s) => new TextEncoder().encode(s)) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
      )
      const type = fc.oneof(
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-16',
          'application/merge-patch+json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          '',
        ),
        fc.constant(undefined),
      )
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...known), bytes, type, async (id, body, t) => {
          const a = await send('POST', ROUTES[2].path(id), body, t)
          if (t === 'application/json' && body.length > BODY_LIMIT) expect(a.status).toBe(413)
        }),
        { numRuns: fuzzRuns(150) },
      )
    },
    TIMEOUT,
  )

  it('still serves the known agent afterwards', async () => {
    const profile = await send('GET', ROUTES[0].path(agent.agentId))
    expect(profile).toMatchObject({ status: 200, body: { tesseraAgentId: agent.agentId } })
    const evaluation = await send(
      'POST',
      ROUTES[2].path(agent.agentId),
      validEvaluate,
      'application/json',
    )
    expect(evaluation.status).toBe(200)
    expect(approvedOf(evaluation.body)).toBe('boolean')
    const oversized = `{"policy":{"capability":"${'x'.repeat(BODY_LIMIT)}"}}`
    expect(
      await send('POST', ROUTES[2].path(agent.agentId), oversized, 'application/json'),
    ).toMatchObject({ status: 413 })
  })
})
