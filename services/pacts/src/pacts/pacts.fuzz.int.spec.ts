import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { pactHash, signPact } from '@tessera/sdk'
import {
  ErrorBody,
  FUZZ_REQUEST_BOUND_MS,
  fuzzRuns,
  hostileText,
  replayFuzzSeed,
} from '@tessera/testing'
import { PactsHarness, type TestAgent, type TestOrg, termsOf } from '../testing/pacts-harness.ts'

/**
 * Fuzzes the pacts routes over real HTTP: valid bodies (signed, for parties that exist) with one
 * member replaced by something hostile, and hostile path ids. Whatever arrives, the answer is
 * below 500 and an error is `{code, message, details}`. `TESSERA_FUZZ_SCALE` and
 * `TESSERA_FUZZ_SEED` as in guardian's fuzz suite.
 */
replayFuzzSeed()

let h: PactsHarness
let a: TestOrg
let b: TestOrg
let buyer: TestAgent
let seller: TestAgent
let pactId: string
const seen = new Map<number, number>()

beforeAll(async () => {
  h = await PactsHarness.start()
  ;[a, b] = [await h.org(), await h.org()]
  buyer = await h.agent(a)
  seller = await h.agent(b)
  const terms = termsOf(buyer, seller)
  pactId = (
    await a.client.pacts.propose({ terms, signature: signPact(terms, buyer.keys.secretKey) })
  ).pactId
})
afterAll(async () => {
  console.info(`pacts fuzz: statuses ${JSON.stringify(Object.fromEntries(seen))}`)
  await h?.stop()
})

async function send(method: string, path: string, apiKey: string, body?: string) {
  const what = `${method} ${path.slice(0, 200)} ${body?.slice(0, 200) ?? ''}`
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body ?? null,
    signal: AbortSignal.timeout(FUZZ_REQUEST_BOUND_MS),
  })
  const text = await res.text()
  seen.set(res.status, (seen.get(res.status) ?? 0) + 1)
  expect(res.status, `${what} -> ${text.slice(0, 300)}`).toBeLessThan(500)
  if (res.status >= 400) {
    expect(ErrorBody.safeParse(JSON.parse(text)).error, `${what} -> ${text}`).toBeUndefined()
  }
  return res.status
}

/** Percent-encodes any string, lone surrogates included (encodeURIComponent throws on them). */
const pct = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')
/** What replaces one member of a valid body. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileText('did:key:z6Mk', 'did:key:', 'A-00000000', 'agt_', ' agt_x ', '1e21'),
  fc.constantFrom(null, true, 0, -0, 1e21, 1e-7, 2 ** 53 + 1, -1, 1.5, [], {}, ''),
  // built in the property: fast-check's report would overflow printing a deep value
  fc.integer({ min: 10, max: 6_000 }).map((depth) => ({ nestedDepth: depth })),
  fc.integer({ min: 1_000, max: 60_000 }).map((n) => 'é'.repeat(n)),
  fc.jsonValue({ maxDepth: 4 }),
)

/** `value` with the member at a random path (objects and arrays walked) replaced. */
function mutate(value: unknown, pick: number[], replacement: unknown): unknown {
  if (pick.length === 0 || typeof value !== 'object' || value === null) return replacement
  const keys = Object.keys(value)
  if (keys.length === 0) return replacement
  const key = keys[pick[0]! % keys.length]!
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...value }) as Record<
    string,
    unknown
  >
  copy[key] = mutate((value as Record<string, unknown>)[key], pick.slice(1), replacement)
  return copy
}

function bodies() {
  const terms = termsOf(buyer, seller, {
    conditions: [
      {
        kind: 'param_binding',
        name: 'cap',
        tool: 'transfer_funds',
        when: { path: '/amount', op: 'lte', value: 500 },
      },
    ],
    extensions: { accuracyRequirement: 0.92 },
  })
  const signature = signPact(terms, buyer.keys.secretKey)
  const sellerSignature = signPact(terms, seller.keys.secretKey)
  return [
    { method: 'POST', path: '/v1/pacts', key: a.apiKey, body: { terms, signature } },
    {
      method: 'POST',
      path: '/v1/pacts/register',
      key: a.apiKey,
      body: {
        pactHash: pactHash(terms),
        buyerDid: buyer.did,
        sellerDid: seller.agentId,
        buyerSignature: signature,
        sellerSignature,
        terms,
      },
    },
    {
      method: 'POST',
      path: `/v1/pacts/${pactId}/counter`,
      key: b.apiKey,
      body: { amendedTerms: terms, signature: sellerSignature },
    },
    {
      method: 'POST',
      path: `/v1/pacts/${pactId}/accept`,
      key: b.apiKey,
      body: { pactHash: pactHash(terms), signature: sellerSignature },
    },
    { method: 'POST', path: `/v1/pacts/${pactId}/reject`, key: b.apiKey, body: { reason: 'no' } },
    {
      method: 'POST',
      path: `/v1/pacts/${pactId}/execution-failures`,
      key: b.apiKey,
      body: { escrowId: 'esc_1', failureReason: 'down' },
    },
  ]
}

describe('the pacts routes under fuzzing', () => {
  it('answers valid bodies with one member made hostile below 500', async () => {
    const routes = bodies()
    await fc.assert(
      fc.asyncProperty(
        fc.nat(routes.length - 1),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        hostile,
        async (i, pick, replacement) => {
          const r = routes[i]!
          // a deep value goes in as text: JSON.stringify itself overflows on it
          const depth = (replacement as { nestedDepth?: unknown } | null)?.nestedDepth
          const placeholder = '\u0001nested\u0001'
          const value = typeof depth === 'number' ? placeholder : replacement
          const body = JSON.stringify(mutate(r.body, pick, value)).replace(
            JSON.stringify(placeholder),
            typeof depth === 'number' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : '',
          )
          await send(r.method, r.path, r.key, body)
        },
      ),
      { numRuns: fuzzRuns(250) },
    )
  }, 120_000)

  it('answers extensions nested 5,000 deep (10 kB, under the size cap) with a 400', async () => {
    const deep = `${'['.repeat(5_000)}1${']'.repeat(5_000)}`
    for (const r of bodies().slice(0, 3)) {
      const field = 'amendedTerms' in r.body ? 'amendedTerms' : 'terms'
      const text = JSON.stringify(r.body).replace('{"accuracyRequirement":0.92}', `{"x":${deep}}`)
      expect(text, field).toContain(deep)
      expect(await send(r.method, r.path, r.key, text), r.path).toBe(400)
    }
  })

  it('answers hostile pact ids and list queries below 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileText('pact_', 'pact_00000000000000000000000000', '..', '%', 'a'.repeat(5_000)),
        fc.constantFrom('', '/counter', '/accept', '/reject', '/execution-failures'),
        async (id, tail) => {
          const path = `/v1/pacts/${pct(id)}${tail}`
          await send(tail ? 'POST' : 'GET', path, a.apiKey, tail ? '{}' : undefined)
          await send('GET', `/v1/rooms/${pct(id)}`, a.apiKey)
          await send(
            'GET',
            `/v1/pacts?status=${pct(id)}&agentId=${pct(id)}&cursor=${pct(id)}`,
            a.apiKey,
          )
        },
      ),
      { numRuns: fuzzRuns(100) },
    )
  }, 120_000)
})
