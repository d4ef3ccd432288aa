import {
  TELEMETRY_MAX_BATCH,
  TELEMETRY_MAX_EVENT_BYTES,
  validateTelemetryEvent,
} from '@tessera/contracts'
import { describe, expect, it } from 'vitest'
import {
  InvalidEvent,
  MAX_EVENT_BYTES,
  buildResponse,
  buildSessionEnd,
  buildSessionStart,
  buildToolCall,
  serializeEvent,
} from './event.builders.ts'
import { MAX_BATCH_SIZE } from './telemetry.options.ts'

const ids = { sessionId: 's-1', agentId: 'agent-1' }

describe('event builders', () => {
  it('mirror the limits of the contract', () => {
    expect(MAX_EVENT_BYTES).toBe(TELEMETRY_MAX_EVENT_BYTES)
    expect(MAX_BATCH_SIZE).toBe(TELEMETRY_MAX_BATCH)
  })

  it('build events the contract accepts, timestamps defaulting to now', () => {
    const before = Date.now()
    const start = buildSessionStart({ ...ids, pactId: 'pact-1', metadata: { model: 'm' } })
    const end = buildSessionEnd({ ...ids, outcome: 'timeout' })
    const call = buildToolCall({
      ...ids,
      tool: 'search',
      params: {},
      outcome: 'denied',
      latencyMs: 0,
    })
    const response = buildResponse({ ...ids, outcome: 'refusal', latencyMs: 12.5 })
    const after = Date.now()
    for (const event of [start, end, call, response]) {
      const check = validateTelemetryEvent(JSON.parse(serializeEvent(event)))
      expect(check).toEqual({ ok: true, event })
    }
    for (const at of [start.startedAt, end.endedAt, call.attemptedAt, response.respondedAt]) {
      expect(Date.parse(at)).toBeGreaterThanOrEqual(before)
      expect(Date.parse(at)).toBeLessThanOrEqual(after)
    }
  })

  it('take a Date or an ISO string with a zone, and keep the string as given', () => {
    const at = new Date('2025-01-02T03:04:05.678Z')
    expect(buildSessionStart({ ...ids, startedAt: at }).startedAt).toBe(at.toISOString())
    const iso = '2025-01-02T05:04:05+02:00'
    expect(buildResponse({ ...ids, outcome: 'success', respondedAt: iso }).respondedAt).toBe(iso)
  })

  it('send only the fields of the contract', () => {
    const input = { ...ids, outcome: 'success' as const, secret: 'x' }
    expect(Object.keys(buildResponse(input)).sort()).toEqual(
      ['agentId', 'outcome', 'respondedAt', 'sessionId', 'type'].sort(),
    )
  })

  it.each<[string, () => unknown]>([
    ['no object', () => buildSessionStart(undefined as never)],
    ['an empty id', () => buildSessionStart({ ...ids, sessionId: '' })],
    ['a long id', () => buildSessionStart({ ...ids, agentId: 'a'.repeat(129) })],
    ['a bad outcome', () => buildSessionEnd({ ...ids, outcome: 'meh' as never })],
    ['a date without zone', () => buildSessionStart({ ...ids, startedAt: '2025-01-02T03:04:05' })],
    ['an invalid Date', () => buildSessionStart({ ...ids, startedAt: new Date('x') })],
    ['a NaN latency', () => buildResponse({ ...ids, outcome: 'success', latencyMs: NaN })],
    [
      'array params',
      () =>
        buildToolCall({ ...ids, tool: 't', params: [] as never, outcome: 'success', latencyMs: 1 }),
    ],
    [
      'an empty tool',
      () => buildToolCall({ ...ids, tool: '', params: {}, outcome: 'success', latencyMs: 1 }),
    ],
    ['array metadata', () => buildSessionStart({ ...ids, metadata: [] as never })],
  ])('reject %s', (_name, build) => {
    expect(build).toThrow(InvalidEvent)
  })

  it('serialise BigInts as strings and refuse events over the size limit', () => {
    const call = buildToolCall({
      ...ids,
      tool: 't',
      params: { big: 10n ** 20n },
      outcome: 'success',
      latencyMs: 1,
    })
    expect(JSON.parse(serializeEvent(call))).toMatchObject({
      params: { big: '100000000000000000000' },
    })
    const huge = buildSessionStart({ ...ids, metadata: { blob: 'x'.repeat(MAX_EVENT_BYTES) } })
    expect(() => serializeEvent(huge)).toThrow(/limit is 8192/)
  })
})
