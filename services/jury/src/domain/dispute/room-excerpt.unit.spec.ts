import { describe, expect, it } from 'vitest'
import { userPrompt } from './prompt.ts'
import {
  ROOM_EXCERPT_MAX_ENTRIES,
  ROOM_EXCERPT_MAX_TEXT,
  type RoomExcerptEntry,
  excerptSummary,
  roomExcerpt,
} from './room-excerpt.ts'
import { fixtureEvidence } from './testing-fixtures.ts'

const entry = (n: number, at: string, type = 'PactCountered'): RoomExcerptEntry => ({
  eventId: `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  context: 'pacts',
  type,
  occurredAt: at,
  summary: { round: n },
})

describe('the room excerpt', () => {
  it('keeps the top-level facts, leaves out terms, deliverable and signatures, and cuts long text', () => {
    const summary = excerptSummary({
      pactId: 'pact_1',
      round: 2,
      pactHash: 'a'.repeat(64),
      terms: { taskDescription: 'huge' },
      signature: 'b'.repeat(128),
      deliverable: { sections: {} },
      failureReason: 'x'.repeat(ROOM_EXCERPT_MAX_TEXT + 50),
    })
    expect(Object.keys(summary).sort()).toEqual(['failureReason', 'pactHash', 'pactId', 'round'])
    expect(summary['failureReason']).toBe(`${'x'.repeat(ROOM_EXCERPT_MAX_TEXT)}…`)
  })

  it('orders by time then event id, whatever the order jury stored them in, and keeps the latest', () => {
    const a = entry(1, '2026-12-01T00:00:00Z')
    const b = entry(2, '2026-12-01T00:00:00.000+00:00')
    const c = entry(3, '2026-11-30T23:00:00-02:00') // 01:00Z, the latest
    expect(roomExcerpt([c, b, a])).toEqual([a, b, c])
    const many = Array.from({ length: ROOM_EXCERPT_MAX_ENTRIES + 10 }, (_, i) =>
      entry(i, new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString()),
    )
    const kept = roomExcerpt(many.reverse())
    expect(kept).toHaveLength(ROOM_EXCERPT_MAX_ENTRIES)
    expect(kept[0]!.summary).toEqual({ round: 10 })
    expect(kept.at(-1)!.summary).toEqual({ round: ROOM_EXCERPT_MAX_ENTRIES + 9 })
  })

  it('is part of the hashed package and of the prompt, in its own untrusted section', () => {
    const excerpt = [entry(1, '2026-12-01T00:00:00Z', 'ParamBindingViolated')]
    const withIt = fixtureEvidence(['base'], '', { roomExcerpt: excerpt })
    expect(withIt.roomExcerpt).toEqual(excerpt)
    expect(fixtureEvidence(['base']).roomExcerpt).toEqual([])
    expect(userPrompt(withIt)).toContain('<evidence name="room_excerpt">')
    expect(userPrompt(withIt)).toContain('ParamBindingViolated')
  })
})
