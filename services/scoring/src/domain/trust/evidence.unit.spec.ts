import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { utc } from './evidence.ts'

describe('utc', () => {
  it('keeps a time already written as toISOString writes it', () => {
    expect(utc('2026-12-06T17:03:14.123Z')).toBe('2026-12-06T17:03:14.123Z')
  })

  it('normalises every other form: offsets, no milliseconds, other digit counts', () => {
    expect(utc('2026-12-06T19:03:14.123+02:00')).toBe('2026-12-06T17:03:14.123Z')
    expect(utc('2026-12-06T17:03:14Z')).toBe('2026-12-06T17:03:14.000Z')
    expect(utc('2026-12-06T17:03:14.1Z')).toBe('2026-12-06T17:03:14.100Z')
    expect(utc('2026-12-06T17:03:14.123456Z')).toBe('2026-12-06T17:03:14.123Z')
    expect(utc('2026-12-06T17:03:14.123+00:00')).toBe('2026-12-06T17:03:14.123Z')
  })

  it('agrees with the Date round trip on any instant, in UTC or with an offset', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('9999-12-30T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (d, offsetMin) => {
          const iso = d.toISOString()
          expect(utc(iso)).toBe(iso)
          const local = new Date(d.getTime() + offsetMin * 60_000).toISOString().slice(0, 23)
          const sign = offsetMin < 0 ? '-' : '+'
          const abs = Math.abs(offsetMin)
          const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
          expect(utc(local + off)).toBe(iso)
        },
      ),
    )
  })
})
