import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ulid } from 'ulid'
import type { ArdenResponse } from '@tessera/contracts'
import { IngestHarness, type TestAgent, type TestKey } from '../testing/ingest-harness.ts'
import { ardenEvent, rowOf } from '../testing/telemetry-fixtures.ts'

/** Arden v1 field rules: bid, time, mult, data, and which fields are required. */

let h: IngestHarness
let key: TestKey
let agent: TestAgent

beforeAll(async () => {
  h = await IngestHarness.start()
  key = await h.org()
  agent = await h.agent(key.orgId)
})
afterAll(async () => {
  await h?.stop()
})

const send = (overrides: Record<string, unknown>) =>
  h.post<ArdenResponse>('/api/events', ardenEvent(agent.handle, overrides), { key: key.apiKey })

/** Posts one event and returns the error code it was rejected with, or 'accepted'. */
async function outcome(overrides: Record<string, unknown>): Promise<string> {
  const res = await send(overrides)
  if (res.status === 200) return 'accepted'
  expect(res.status).toBe(400)
  expect(res.body.rejected).toHaveLength(1)
  return res.body.rejected[0]!.error
}

describe('Arden v1 bid', () => {
  it('defaults to 0 when absent', async () => {
    const res = await send({ bid: undefined })
    expect(res.status).toBe(200)
    expect((await rowOf(h, res.body.event_ids[0]!)).data['bid']).toBe(0)
  })
  it('stores the bid sent, in micro-cents', async () => {
    const res = await send({ bid: 1500 })
    expect((await rowOf(h, res.body.event_ids[0]!)).data['bid']).toBe(1500)
  })
  it.each([
    ['negative', -1],
    ['a float', 10.5],
    ['a string', '1000'],
  ])('rejects a bid that is %s with validation_error', async (_, bid) => {
    expect(await outcome({ bid })).toBe('validation_error')
  })
})

describe('Arden v1 time', () => {
  it('accepts a future timestamp and stores it as the occurrence time', async () => {
    const future = Date.UTC(2099, 0, 1)
    const res = await send({ time: future })
    expect(res.status).toBe(200)
    expect((await rowOf(h, res.body.event_ids[0]!)).occurred_at.getTime()).toBe(future)
  })
  it('is required: missing_required_field', async () => {
    expect(await outcome({ time: undefined })).toBe('missing_required_field')
  })
  it.each([
    ['a float', 1_700_000_000_000.5],
    ['negative', -1],
    ['a string', '1700000000000'],
    ['an ISO date', '2026-01-01T00:00:00Z'],
  ])('rejects a time that is %s with validation_error', async (_, time) => {
    expect(await outcome({ time })).toBe('validation_error')
  })
})

describe('Arden v1 mult', () => {
  it('is optional and stored when given', async () => {
    const res = await send({ mult: 3 })
    expect(res.status).toBe(200)
    expect((await rowOf(h, res.body.event_ids[0]!)).data['mult']).toBe(3)
  })
  it('rejects a float with validation_error', async () => {
    expect(await outcome({ mult: 1.5 })).toBe('validation_error')
  })
})

/** `{"k":"…"}` whose JSON is exactly `bytes` long: 8 bytes of syntax, the rest value. */
const jsonOfBytes = (bytes: number) => ({ k: 'x'.repeat(bytes - 8) })

describe('Arden v1 data', () => {
  it('accepts flat string and integer values and stores them as sent', async () => {
    const data = { task: 'code_review', duration: 1500, language: 'python', lines_changed: 42 }
    const res = await send({ data })
    expect(res.status).toBe(200)
    expect((await rowOf(h, res.body.event_ids[0]!)).data['data']).toEqual(data)
  })
  it.each([
    ['a nested object', { a: { b: 1 } }],
    ['an array value', { a: [1, 2] }],
    ['a boolean value', { a: true }],
    ['a null value', { a: null }],
    ['a float value', { a: 1.5 }],
    ['an array', ['a', 'b']],
    ['a number', 42],
    ['null', null],
  ])('rejects data with %s with validation_error', async (_, data) => {
    expect(await outcome({ data })).toBe('validation_error')
  })
  it('accepts JSON data of exactly 1024 bytes', async () => {
    expect(JSON.stringify(jsonOfBytes(1024))).toHaveLength(1024)
    expect(await outcome({ data: jsonOfBytes(1024) })).toBe('accepted')
  })
  it('rejects JSON data of 1025 bytes with bad_data_size', async () => {
    expect(await outcome({ data: jsonOfBytes(1025) })).toBe('bad_data_size')
  })
  it('counts bytes, not characters: 1025 bytes of UTF-8 in fewer chars is bad_data_size', async () => {
    const data = { k: 'é'.repeat(508) + 'x' } // 8 + 2·508 + 1 = 1025 bytes, 517 chars
    expect(await outcome({ data })).toBe('bad_data_size')
  })
  it('accepts base64 that decodes to exactly 1024 bytes, and stores the string', async () => {
    const data = Buffer.alloc(1024, 7).toString('base64')
    const res = await send({ data })
    expect(res.status).toBe(200)
    expect((await rowOf(h, res.body.event_ids[0]!)).data['data']).toBe(data)
  })
  it('rejects base64 that decodes to 1025 bytes with bad_data_size', async () => {
    expect(await outcome({ data: Buffer.alloc(1025).toString('base64') })).toBe('bad_data_size')
  })
  it.each(['not base64!', 'SGVs bG8=', '===='])(
    'rejects the non-base64 string %j with validation_error',
    async (data) => {
      expect(await outcome({ data })).toBe('validation_error')
    },
  )
  it('is required: missing_required_field', async () => {
    expect(await outcome({ data: undefined })).toBe('missing_required_field')
  })
})

describe('Arden v1 required fields', () => {
  it.each(['agent', 'time', 'data'])(
    'rejects an event without %s with missing_required_field',
    async (field) => {
      expect(await outcome({ [field]: undefined })).toBe('missing_required_field')
    },
  )
  it('ignores fields the spec does not define', async () => {
    expect(await outcome({ extra: 'ignored', user: ulid() })).toBe('accepted')
  })
})
