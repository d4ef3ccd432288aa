import { describe, expect, it } from 'vitest'
import { type IntakeMessage, readIntakeMessage } from './bus-message.ts'

const ROOT = 'tessera'
const read = (subject: string, body: unknown) =>
  readIntakeMessage(ROOT, subject, typeof body === 'string' ? body : JSON.stringify(body))
const event = { agent: 'A-1234abcd', time: 1, data: {} }
const failed = (code: string): IntakeMessage => ({
  ok: false,
  code,
  message: expect.any(String) as string,
})

describe('readIntakeMessage: subjects', () => {
  it.each([
    ['tessera.intake.arden', 'arden'],
    ['tessera.intake.arden.agent-1234abcd', 'arden'],
    ['tessera.intake.telemetry', 'telemetry'],
    ['tessera.intake.telemetry.sdk.python', 'telemetry'],
  ])('reads %s as %s', (subject, protocol) => {
    expect(read(subject, [event])).toMatchObject({ ok: true, protocol })
  })

  it.each([
    'tessera.intake.other',
    'tessera.intake.ardenx',
    'tessera.intake.Arden',
    'tessera.intake',
    'tessera.other.arden',
  ])('refuses %s with UNKNOWN_INTAKE_SUBJECT', (subject) => {
    expect(read(subject, [event])).toEqual(failed('UNKNOWN_INTAKE_SUBJECT'))
  })

  it('judges the subject before the body', () => {
    expect(read('tessera.intake.other', '{not json')).toEqual(failed('UNKNOWN_INTAKE_SUBJECT'))
  })

  it('reads subjects under a test prefix root', () => {
    expect(
      readIntakeMessage('t1a2.tessera', 't1a2.tessera.intake.arden', JSON.stringify(event)),
    ).toEqual({
      ok: true,
      protocol: 'arden',
      events: [event],
    })
  })
})

describe('readIntakeMessage: Arden bodies', () => {
  it.each<[string, unknown, IntakeMessage]>([
    ['one event', event, { ok: true, protocol: 'arden', events: [event] }],
    ['an array of events', [event, event], { ok: true, protocol: 'arden', events: [event, event] }],
    [
      '100 events',
      Array(100).fill(event),
      { ok: true, protocol: 'arden', events: Array(100).fill(event) },
    ],
    ['an empty array', [], failed('EMPTY_BATCH')],
    ['101 events', Array(101).fill(event), failed('TOO_MANY_EVENTS')],
    ['a number', 42, failed('INVALID_BODY')],
    ['text that is not JSON', 'just text', failed('MALFORMED_JSON')],
    ['JSON null', 'null', failed('INVALID_BODY')],
    ['malformed JSON', '{"agent":', failed('MALFORMED_JSON')],
    ['an empty message', '', failed('MALFORMED_JSON')],
  ])('reads %s', (_, body, expected) => {
    expect(read('tessera.intake.arden', body)).toEqual(expected)
  })
})

describe('readIntakeMessage: telemetry bodies', () => {
  const e = {
    type: 'session_start',
    sessionId: 's',
    agentId: 'agt_x',
    startedAt: '2026-01-01T00:00:00Z',
  }
  it.each<[string, unknown, IntakeMessage]>([
    [
      'a batch with an id',
      { batchId: 'b-1', events: [e] },
      { ok: true, protocol: 'telemetry', events: [e], batchId: 'b-1' },
    ],
    [
      'a batch without an id',
      { events: [e, e] },
      { ok: true, protocol: 'telemetry', events: [e, e] },
    ],
    ['a bare array', [e], { ok: true, protocol: 'telemetry', events: [e] }],
    ['one event', e, { ok: true, protocol: 'telemetry', events: [e] }],
    [
      '100 events',
      { events: Array(100).fill(e) },
      { ok: true, protocol: 'telemetry', events: Array(100).fill(e) },
    ],
    ['an empty batch', { batchId: 'b', events: [] }, failed('EMPTY_BATCH')],
    ['an empty array', [], failed('EMPTY_BATCH')],
    ['101 events', { events: Array(101).fill(e) }, failed('TOO_MANY_EVENTS')],
    ['an empty batchId', { batchId: '', events: [e] }, failed('VALIDATION_ERROR')],
    [
      'a batchId of 129 chars',
      { batchId: 'b'.repeat(129), events: [e] },
      failed('VALIDATION_ERROR'),
    ],
    ['a numeric batchId', { batchId: 7, events: [e] }, failed('VALIDATION_ERROR')],
    ['a number', 42, failed('VALIDATION_ERROR')],
    ['JSON null', 'null', failed('VALIDATION_ERROR')],
    ['malformed JSON', '[{', failed('MALFORMED_JSON')],
  ])('reads %s', (_, body, expected) => {
    expect(read('tessera.intake.telemetry', body)).toEqual(expected)
  })

  it('keeps a batchId of exactly 128 chars', () => {
    expect(
      read('tessera.intake.telemetry', { batchId: 'b'.repeat(128), events: [e] }),
    ).toMatchObject({
      ok: true,
      batchId: 'b'.repeat(128),
    })
  })
})
