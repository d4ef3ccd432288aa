import { describe, expect, it } from 'vitest'
import { createProgress, progressLine } from './progress.ts'

function clock(start = 0) {
  let t = start
  return { now: () => t, advance: (ms: number) => void (t += ms) }
}

describe('progressLine', () => {
  it('shows sent/total, percent, rate and rejected so far', () => {
    expect(progressLine(300, 1000, 2, 1500)).toBe(
      'sent 300/1000 events (30%), 200 events/s, 2 rejected',
    )
    expect(progressLine(0, 10, 0, 0)).toBe('sent 0/10 events (0%), - events/s, 0 rejected')
  })
})

describe('createProgress', () => {
  it('logs a line each time another 10% is done when not on a terminal', () => {
    const out: string[] = []
    const c = clock()
    const p = createProgress({
      total: 1000,
      write: (s) => void out.push(s),
      tty: false,
      now: c.now,
    })
    for (const sent of [50, 100, 150, 350, 1000]) {
      c.advance(100)
      p.update(sent, 0)
    }
    p.done()
    expect(out.map((l) => l.match(/^sent (\d+)\//)?.[1])).toEqual(['100', '350', '1000'])
    expect(out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true)
  })

  it('redraws one line in place on a terminal, at most every 100 ms, and ends it', () => {
    const out: string[] = []
    const c = clock()
    const p = createProgress({ total: 300, write: (s) => void out.push(s), tty: true, now: c.now })
    c.advance(50)
    p.update(100, 0)
    c.advance(10)
    p.update(200, 1) // too soon: skipped
    c.advance(10)
    p.note('events 0-99: HTTP 429, retrying in 1 s')
    c.advance(10)
    p.update(300, 1) // the last one is always drawn
    p.done()
    expect(out).toEqual([
      '\r\x1b[2Ksent 100/300 events (33%), 2000 events/s, 0 rejected',
      '\r\x1b[2Kevents 0-99: HTTP 429, retrying in 1 s\nsent 200/300 events (66%), 3333 events/s, 1 rejected',
      '\r\x1b[2Ksent 300/300 events (100%), 3750 events/s, 1 rejected',
      '\n',
    ])
  })
})
