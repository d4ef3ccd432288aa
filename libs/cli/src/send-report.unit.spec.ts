import type { ArdenResponse } from '@tessera/contracts'
import { describe, expect, it } from 'vitest'
import type { Chunk } from './event-file.ts'
import { sendChunks } from './http-sender.ts'
import { aggregateOutcomes, exitCodeOf, responseProblem } from './send-report.ts'
import type { ChunkOutcome } from './send-report.ts'

const id = (n: number) => `0190f5a4-0000-7000-8000-${String(n).padStart(12, '0')}`

function answer(size: number, rejected: number[], firstId = 0): ArdenResponse {
  const accepted = size - rejected.length
  return {
    status: rejected.length === 0 ? 'accepted' : accepted === 0 ? 'rejected' : 'partial',
    accepted_count: accepted,
    rejected_count: rejected.length,
    rejected: rejected.map((index) => ({ index, error: 'unknown_agent' })),
    event_ids: Array.from({ length: accepted }, (_, i) => id(firstId + i)),
  }
}

describe('aggregateOutcomes', () => {
  it('maps request indices to input indices, whatever order the chunks finished in', () => {
    const outcomes: ChunkOutcome[] = [
      { kind: 'answered', offset: 3, size: 2, response: answer(2, [0], 10) },
      { kind: 'answered', offset: 0, size: 3, response: answer(3, [1]) },
    ]
    const report = aggregateOutcomes(outcomes, [1, 2, 4, 6, 9])
    expect(report.rejections).toEqual([
      { index: 1, line: 2, error: 'unknown_agent' },
      { index: 3, line: 6, error: 'unknown_agent' },
    ])
    expect(report.eventIds).toEqual([
      { index: 0, eventId: id(0) },
      { index: 2, eventId: id(1) },
      { index: 4, eventId: id(10) },
    ])
    expect([report.total, report.accepted, report.rejected, exitCodeOf(report)]).toEqual([
      5, 3, 2, 1,
    ])
  })

  it('counts failed and skipped chunks as not sent, and exits 2', () => {
    const report = aggregateOutcomes([
      { kind: 'answered', offset: 0, size: 2, response: answer(2, []) },
      { kind: 'failed', offset: 2, size: 2, status: 401, code: 'UNAUTHORIZED', message: 'bad key' },
      { kind: 'skipped', offset: 4, size: 1 },
    ])
    expect(report.notSent).toBe(3)
    expect(report.failures.map((f) => [f.from, f.to, f.code])).toEqual([
      [2, 3, 'UNAUTHORIZED'],
      [4, 4, 'not_sent'],
    ])
    expect(exitCodeOf(report)).toBe(2)
  })

  it('exits 0 when all were accepted', () => {
    const report = aggregateOutcomes([
      { kind: 'answered', offset: 0, size: 1, response: answer(1, []) },
    ])
    expect(exitCodeOf(report)).toBe(0)
    expect(report.notes).toEqual([])
  })
})

describe('responseProblem', () => {
  it('accepts an answer that adds up and names one that does not', () => {
    expect(responseProblem(answer(3, [2]), 3)).toBeNull()
    expect(responseProblem(answer(3, [2]), 4)).toMatch(/counts/)
    expect(
      responseProblem({ ...answer(3, [1]), rejected: [{ index: 5, error: 'unknown_agent' }] }, 3),
    ).toMatch(/out of range/)
    expect(responseProblem({ ...answer(3, []), event_ids: [] }, 3)).toMatch(/event_ids/)
  })
})

describe('sendChunks', () => {
  it('starts no request after one failed, and returns the rest as skipped', async () => {
    const chunks: Chunk[] = [0, 1, 2, 3].map((i) => ({ offset: i * 2, events: [{}, {}] }))
    let calls = 0
    const fetch: typeof globalThis.fetch = () => {
      calls++
      const response =
        calls === 2
          ? new Response(JSON.stringify({ code: 'UNAUTHORIZED', message: 'bad key' }), {
              status: 401,
            })
          : new Response(JSON.stringify(answer(2, [])), { status: 200 })
      return Promise.resolve(response)
    }
    const outcomes = await sendChunks(chunks, {
      endpoint: 'http://test/api/events',
      fetch,
      sleep: () => Promise.resolve(),
      now: Date.now,
      concurrency: 1,
    })
    expect(calls).toBe(2)
    expect(outcomes.map((o) => [o.offset, o.kind])).toEqual([
      [0, 'answered'],
      [2, 'failed'],
      [4, 'skipped'],
      [6, 'skipped'],
    ])
  })

  it('treats an answer that does not add up as a failed request', async () => {
    const fetch: typeof globalThis.fetch = () =>
      Promise.resolve(new Response(JSON.stringify(answer(1, [])), { status: 200 }))
    const [outcome] = await sendChunks([{ offset: 0, events: [{}, {}] }], {
      endpoint: 'http://test/api/events',
      fetch,
      sleep: () => Promise.resolve(),
      now: Date.now,
    })
    expect(outcome).toMatchObject({ kind: 'failed', code: 'bad_response', status: 200 })
  })
})
