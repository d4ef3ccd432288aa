import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { sql } from 'kysely'
import { ulid } from 'ulid'
import {
  ARDEN_MAX_BATCH,
  ArdenResponse,
  TelemetryBatchResponse,
  batchStatus,
  validateArdenEvent,
} from '@tessera/contracts'
import { ErrorBody, fuzzRuns, hostileText } from '@tessera/testing'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'

/**
 * Fuzzes `POST /api/events` over real HTTP: whatever arrives, the answer is below 500 and is
 * either the Arden body or `{code, message, details}`; what got a 2xx is in the log; and the
 * service still serves afterwards.
 */

const BODY_LIMIT = 1024 * 1024
const user = ulid()
let h: IngestHarness
let agent: TestAgent
let key: TestKey
const acked = new Set<string>()
const seen = new Map<number, number>()

beforeAll(async () => {
  h = await IngestHarness.start()
  key = await h.org()
  agent = await h.agent(key.orgId)
})
afterAll(async () => {
  await h?.stop()
})

interface Answer {
  status: number
  body: unknown
  arden?: ArdenResponse
}

/** Sends a raw body and checks the invariants every answer must keep. */
async function send(
  body: string | Uint8Array,
  contentType: string | null = 'application/json',
  extra: Record<string, string> = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    ...extra,
    ...(contentType === null ? {} : { 'content-type': contentType }),
  }
  const res = await fetch(`${h.url}/api/events`, { method: 'POST', headers, body })
  const text = await res.text()
  seen.set(res.status, (seen.get(res.status) ?? 0) + 1)
  if (res.status >= 500) throw new Error(`${res.status} ${text.slice(0, 500)}`)
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/)
  const parsed: unknown = JSON.parse(text)
  const arden = ArdenResponse.strict().safeParse(parsed)
  if (!arden.success) {
    expect(res.status, text.slice(0, 500)).toBeGreaterThanOrEqual(400)
    expect(ErrorBody.safeParse(parsed).error, text.slice(0, 500)).toBeUndefined()
    return { status: res.status, body: parsed }
  }
  const r = arden.data
  const expected = batchStatus(r.accepted_count, r.rejected_count)
  expect(res.status).toBe(expected.http)
  expect(r.status).toBe(expected.status)
  expect(r.event_ids).toHaveLength(r.accepted_count)
  expect(r.rejected).toHaveLength(r.rejected_count)
  expect(new Set(r.event_ids).size).toBe(r.event_ids.length)
  for (const id of r.event_ids) acked.add(id)
  return { status: res.status, body: parsed, arden: r }
}

const validEvent = () => ({
  agent: `A-${agent.handle}`,
  user,
  time: 1_700_000_000_000,
  data: { k: 'v', n: 1 },
})

/** Strings JSON can carry but `jsonb` cannot store: NUL and lone surrogates. */
const nasty = hostileText()
const weird = fc.oneof(
  fc.jsonValue(),
  fc.anything(),
  nasty,
  fc.constantFrom(-0, 1e308, -1, 2 ** 53, 0.5),
)

const base64 = (maxLength: number) =>
  fc.uint8Array({ maxLength }).map((b) => Buffer.from(b).toString('base64'))

/** Arden fields: mostly valid, sometimes near the edges, sometimes anything at all. */
const fields = () => ({
  agent: fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom(
        `A-${agent.handle}`,
        `S-${agent.handle}`,
        agent.handle.toUpperCase(),
        `a-${agent.handle}`,
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'A-',
        '',
        'A-123456789',
        'X-abc',
        `A-${agent.handle === 'ffffffff' ? 'eeeeeeee' : 'ffffffff'}`,
      ),
    },
    { weight: 1, arbitrary: weird },
  ),
  user: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(user, user.toLowerCase()) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '8' + user.slice(1),
        user.slice(1),
        `${user}0`,
        user.replace(/.$/, 'U'),
      ),
    },
    { weight: 1, arbitrary: weird },
  ),
  time: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 253_402_300_799_999 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(-1, 253_402_300_800_000, 2 ** 53, 1.5, '1700000000000'),
    },
    { weight: 1, arbitrary: weird },
  ),
  bid: fc.oneof(fc.nat(), fc.integer(), fc.double(), weird),
  mult: fc.oneof(fc.integer(), fc.double(), weird),
  data: fc.oneof(
    { weight: 4, arbitrary: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())) },
    { weight: 2, arbitrary: base64(1100) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '=', 'abc', 'ab==', 'a'.repeat(1368), 'a'.repeat(1372)),
    },
    {
      weight: 1,
      arbitrary: fc.dictionary(
        fc.oneof(fc.string(), nasty),
        fc.oneof(nasty, fc.integer(), fc.double()),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.string(), fc.string({ minLength: 100, maxLength: 600 }), {
        minKeys: 1,
        maxKeys: 4,
      }),
    },
    { weight: 1, arbitrary: weird },
  ),
})

/** An event with each field kept, replaced or dropped, plus unknown fields. */
const nearValidEvent = () => {
  const f = fields()
  return fc
    .tuple(
      fc.oneof(
        { weight: 3, arbitrary: fc.record(f, { requiredKeys: ['agent', 'user', 'time', 'data'] }) },
        { weight: 1, arbitrary: fc.record(f, { requiredKeys: [] }) },
      ),
      fc.option(fc.dictionary(fc.oneof(fc.string(), nasty), weird, { maxKeys: 3 }), { freq: 3 }),
    )
    .map(([e, extra]) => (extra ? { ...extra, ...e } : e))
}

/** Whether the server must accept this event (as it reads it: after a JSON round trip). */
const acceptable = (e: unknown) => {
  const c = validateArdenEvent(e)
  return c.ok && c.event.agentHandle === agent.handle
}

/** Bodies of near-valid events: mostly 1–20, sometimes around the limit of 100, or none. */
const nearValidBody = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.array(fc.constant(null).chain(nearValidEvent), { minLength: 1, maxLength: 20 }),
  },
  {
    weight: 1,
    arbitrary: fc.array(fc.constant(null).chain(nearValidEvent), { minLength: 95, maxLength: 105 }),
  },
  { weight: 2, arbitrary: fc.constant(null).chain(nearValidEvent) },
  { weight: 1, arbitrary: fc.constant([]) },
)

/**
 * The oracle for a body of near-valid events: the answer accepts exactly the events the
 * published rules accept for this agent, in order, and what it accepted is in the log.
 */
async function judged(text: string, a: Answer) {
  const events = JSON.parse(text) as unknown
  if (Buffer.byteLength(text) > BODY_LIMIT) {
    expect(a.status).toBe(413)
    expect(a.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    return
  }
  if ((a.body as { code?: string }).code === 'MALFORMED_JSON') {
    // the body parser refuses prototype-poisoning keys before anything reads the events
    expect(a.status).toBe(400)
    expect(text).toMatch(/"(__proto__|constructor)":/)
    return
  }
  if (Array.isArray(events) && (events.length === 0 || events.length > ARDEN_MAX_BATCH)) {
    expect(a.status).toBe(events.length === 0 ? 400 : 413)
    expect(a.body).toMatchObject({ code: events.length === 0 ? 'EMPTY_BATCH' : 'TOO_MANY_EVENTS' })
    return
  }
  expect(a.arden, JSON.stringify(a.body)).toBeDefined()
  if (!a.arden) return
  const list = Array.isArray(events) ? events : [events]
  const accepted = list.flatMap((e, i) => (acceptable(e) ? [i] : []))
  expect(a.arden.accepted_count).toBe(accepted.length)
  expect(a.arden.rejected.map((r) => r.index)).toEqual(
    list.flatMap((_, i) => (accepted.includes(i) ? [] : [i])),
  )
  if (a.arden.event_ids.length) {
    const stored = await h.count(
      'telemetry_events',
      sql`event_id = any(${a.arden.event_ids}::uuid[])`,
    )
    expect(stored).toBe(a.arden.event_ids.length)
  }
}

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c))
const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'APPLICATION/JSON',
    'application/json; charset=utf-8',
    'application/json;charset=UTF-8',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/json; foo',
    'application/json;;;',
    'application/vnd.api+json',
    'application/problem+json',
    'application/json-seq',
    'application/jsonx',
    'text/json',
    'text/plain',
    'text/plain; charset=utf-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    '*/*',
    'application/*',
    'application/json, text/plain',
    ' application/json ',
    '',
    ';',
    '/',
  ),
  fc.string({ unit: printable, maxLength: 60 }),
  fc.string({ unit: printable, maxLength: 30 }).map((s) => `application/json;${s}`),
  fc.constant(null),
)

describe('POST /api/events under fuzzing', () => {
  it('answers random JSON values without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.anything().map((v) => JSON.stringify(v) ?? 'null'),
        ),
        async (text) => {
          await send(text)
        },
      ),
      { numRuns: fuzzRuns(300) },
    )
  })

  it('judges arrays of near-valid events one by one, and stores exactly what it accepts', async () => {
    await fc.assert(
      fc.asyncProperty(nearValidBody, async (value) => {
        const text = JSON.stringify(value)
        await judged(text, await send(text))
      }),
      { numRuns: fuzzRuns(500), endOnFailure: true },
    )
  })

  it('answers concurrent batches each on its own, though they share group commits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(nearValidBody, { minLength: 2, maxLength: 8 }), async (values) => {
        const texts = values.map((v) => JSON.stringify(v))
        const answers = await Promise.all(texts.map((t) => send(t)))
        for (const [i, a] of answers.entries()) await judged(texts[i]!, a)
      }),
      { numRuns: fuzzRuns(100), endOnFailure: true },
    )
  })

  it('survives deep nesting, as the body and inside an event', async () => {
    const open = { array: '[', object: '{"a":', ctor: '{"constructor":', mixed: '[{"a":' }
    const close = { array: ']', object: '}', ctor: '}', mixed: '}]' }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(10_000, 30_000, 100_000),
        fc.constantFrom<keyof typeof open>('array', 'object', 'ctor', 'mixed'),
        fc.constantFrom('body', 'data', 'extra', 'element', 'truncated'),
        async (depth, shape, where) => {
          // `mixed` opens two levels per step
          const n = shape === 'mixed' ? depth / 2 : depth
          const nested = `${open[shape].repeat(n)}1${close[shape].repeat(n)}`
          const event = JSON.stringify(validEvent()).slice(0, -1)
          const text = {
            body: nested,
            data: `${event.replace(/,"data":\{[^}]*\}/, '')},"data":${nested}}`,
            extra: `${event},"x":${nested}}`,
            element: `[${event}},${nested}]`,
            truncated: nested.slice(0, -1),
          }[where]
          const a = await send(text)
          if (text.length > BODY_LIMIT) {
            expect(a.status).toBe(413)
            return
          }
          if (where === 'extra' && shape !== 'ctor') expect(a.status).toBe(200)
          if (where === 'data') expect(a.status).toBe(400)
          if (where === 'truncated') expect(a.body).toMatchObject({ code: 'MALFORMED_JSON' })
        },
      ),
      { numRuns: fuzzRuns(40) },
    )
  })

  it('survives huge strings, and refuses a body over the limit with 413', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2_000, max: 900_000 }),
        fc.constantFrom(
          'base64',
          'value',
          'key',
          'agent',
          'user',
          'extraKey',
          'extraValue',
          'body',
        ),
        async (size, where) => {
          const big = 'A'.repeat(size)
          const e: Record<string, unknown> = validEvent()
          if (where === 'base64') e['data'] = big
          if (where === 'value') e['data'] = { k: big }
          if (where === 'key') e['data'] = { [big]: 1 }
          if (where === 'agent') e['agent'] = big
          if (where === 'user') e['user'] = big
          if (where === 'extraKey') e[big] = 1
          if (where === 'extraValue') e['x'] = big
          const a = await send(where === 'body' ? JSON.stringify(big) : JSON.stringify(e))
          expect(a.status).toBe(where.startsWith('extra') ? 200 : 400)
        },
      ),
      { numRuns: fuzzRuns(16) },
    )
    for (const over of [1, 100, 64 * 1024]) {
      const padding = BODY_LIMIT + over - JSON.stringify({ ...validEvent(), x: '' }).length
      const a = await send(JSON.stringify({ ...validEvent(), x: 'A'.repeat(padding) }))
      expect(a.status).toBe(413)
    }
    // exactly at the limit is still read
    const padding = BODY_LIMIT - JSON.stringify({ ...validEvent(), x: '' }).length
    expect((await send(JSON.stringify({ ...validEvent(), x: 'A'.repeat(padding) }))).status).toBe(
      200,
    )
  })

  it('survives bad UTF-8 and lone surrogates, and never stores them', async () => {
    const badBytes = fc.oneof(
      fc.constantFrom(
        [0xc3, 0x28],
        [0xff],
        [0xfe, 0xff],
        [0xc0, 0xaf],
        [0xe0, 0x80, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xed, 0xbf, 0xbf],
        [0xf4, 0x90, 0x80, 0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
        [0x80],
        [0xe2, 0x82],
        [0x00],
      ),
      fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 6 }),
    )
    const escapes = fc.constantFrom(
      '\\ud800',
      '\\udfff',
      '\\ud83d\\u0041',
      'x\\udc00',
      '\\u0000',
      'a\\u0000b',
    )
    const places = [
      'dataValue',
      'dataKey',
      'agent',
      'user',
      'extraKey',
      'extraValue',
      'outside',
    ] as const
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          badBytes.map((b) => ({ bytes: b })),
          escapes.map((text) => ({ text })),
        ),
        fc.constantFrom(...places),
        async (bad, where) => {
          const marker = 'MARKER9f3a'
          const e: Record<string, unknown> = validEvent()
          if (where === 'dataValue') e['data'] = { k: `a${marker}b` }
          if (where === 'dataKey') e['data'] = { [`a${marker}b`]: 1 }
          if (where === 'agent') e['agent'] = `A-${marker}`
          if (where === 'user') e['user'] = marker
          if (where === 'extraKey') e[marker] = 1
          if (where === 'extraValue') e['x'] = marker
          const json = where === 'outside' ? `[${JSON.stringify(e)},${marker}]` : JSON.stringify(e)
          const [before, after] = json.split(marker) as [string, string]
          const body = Buffer.concat([
            Buffer.from(before),
            'bytes' in bad ? Buffer.from(bad.bytes) : Buffer.from(bad.text),
            Buffer.from(after),
          ])
          const a = await send(new Uint8Array(body))
          if (where === 'outside') {
            expect(a.body).toMatchObject({ code: 'MALFORMED_JSON' })
            return
          }
          const text = 'text' in bad
          // escapes that jsonb cannot hold (NUL, lone surrogates) in data are refused per event
          if (text && where.startsWith('data')) {
            expect(a.status).toBe(400)
            expect(a.arden?.rejected).toEqual([{ index: 0, error: 'validation_error' }])
          }
          if (text && where.startsWith('extra')) expect(a.status).toBe(200)
        },
      ),
      { numRuns: fuzzRuns(300) },
    )
  })

  it('survives random content types, authorization headers and random bytes', async () => {
    const valid = JSON.stringify([validEvent()])
    const authorization = fc.option(
      fc.oneof(
        fc.stringMatching(/^tsk_live_[A-Za-z0-9_-]{20,100}$/).map((k) => `Bearer ${k}`),
        fc.string({ unit: printable, maxLength: 200 }).map((k) => `Bearer ${k}`),
        fc.string({ unit: printable, maxLength: 200 }),
      ),
      { nil: undefined },
    )
    await fc.assert(
      fc.asyncProperty(
        contentType,
        authorization,
        fc.oneof(
          { weight: 2, arbitrary: fc.constant(new TextEncoder().encode(valid)) },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
          {
            weight: 1,
            arbitrary: fc
              .string({ unit: 'binary', maxLength: 500 })
              .map((s) => new TextEncoder().encode(s)),
          },
        ),
        async (type, auth, body) => {
          const a = await send(body, type, auth === undefined ? {} : { authorization: auth })
          if (a.status < 300) expect(type ?? '').toMatch(/^ *application\/json/i)
        },
      ),
      { numRuns: fuzzRuns(300) },
    )
  })

  it('answers hostile telemetry batches per event, never with a 5xx, and replays them', async () => {
    // The same hostile values in a `/v1/telemetry/batch` event: the batch's content hash used
    // to recurse (stack overflow) and refuse lone surrogates, turning the batch into a 500.
    const depth = fc.constantFrom(40, 10_000, 100_000)
    const metadata = fc.oneof(
      depth.map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
      depth.map((n) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`),
      fc.constantFrom('{"a":"\\ud800"}', '{"\\udc00":1}', '{"a":["x\\ud83d"]}', '{"a":"\\u0000"}'),
      fc.dictionary(fc.oneof(fc.string(), nasty), weird).map((m) => JSON.stringify(m)),
    )
    let n = 0
    await fc.assert(
      fc.asyncProperty(metadata, async (meta) => {
        const session = `s-${n++}`
        const event = (extra: string) =>
          `{"type":"session_start","sessionId":"${session}","agentId":"${agent.agentId}","startedAt":"2026-01-01T00:00:00Z"${extra}}`
        const body = `{"batchId":"fuzz-${session}","events":[${event(`,"metadata":${meta}`)},${event('')}]}`
        const post = () =>
          fetch(`${h.url}/v1/telemetry/batch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key.apiKey}` },
            body,
          })
        const first = await post()
        const text = await first.text()
        expect(first.status, text.slice(0, 300)).toBeLessThan(500)
        if (/"(__proto__|constructor)":/.test(meta) && first.status === 400) {
          expect(ErrorBody.parse(JSON.parse(text)).code).toBe('MALFORMED_JSON')
          return
        }
        const r = TelemetryBatchResponse.parse(JSON.parse(text))
        // the plain event is always accepted, whatever its neighbour holds
        expect(r.acceptedCount).toBeGreaterThanOrEqual(1)
        expect(first.status).toBe(batchStatus(r.acceptedCount, r.rejectedCount).http)
        const again = await post()
        expect(again.headers.get('idempotent-replayed')).toBe('true')
        expect(TelemetryBatchResponse.parse(await again.json())).toEqual(r)
      }),
      { numRuns: fuzzRuns(40) },
    )
  })

  it('stays up, still accepts a valid event, and stored everything it acknowledged', async () => {
    const live = await fetch(`${h.url}/health/live`)
    expect(live.status).toBe(200)
    const a = await send(JSON.stringify(validEvent()))
    expect(a.status).toBe(200)
    expect(a.arden?.accepted_count).toBe(1)

    const ids = [...acked]
    const { rows } = await sql<{ n: string; distinct: string }>`
      select count(*) as n, count(distinct event_id) as distinct from ${sql.id(h.schema, 'telemetry_events')}
      where event_id = any(${ids}::uuid[])`.execute(h.db)
    expect(Number(rows[0]?.n)).toBe(ids.length)
    expect(Number(rows[0]?.distinct)).toBe(ids.length)
    // and nothing unacknowledged slipped in
    expect(await h.count('telemetry_events', sql`protocol = 'arden'`)).toBe(ids.length)
    console.info(
      `fuzz: ${ids.length} events acknowledged and stored; statuses ${JSON.stringify(Object.fromEntries(seen))}`,
    )
  })
})
