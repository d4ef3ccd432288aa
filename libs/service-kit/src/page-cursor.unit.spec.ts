import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { pageOf, parsePageCursor } from './page-cursor.ts'
import { isQueryTime } from './validation.ts'

const ID = 'agt_0123456789abcdefghjkmnpqrs'
const cursor = (text: string) => Buffer.from(text).toString('base64url')

describe('a page cursor', () => {
  it('reads back every cursor a page hands out', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        (d) => {
          const { nextCursor } = pageOf([1, 2], 1, () => ({ at: d.toISOString(), id: ID }))
          expect(parsePageCursor(nextCursor!)).toEqual({ at: d.toISOString(), id: ID })
        },
      ),
    )
  })

  it.each([
    // Date.parse takes these, Postgres does not
    ['Feb 31st', cursor(`2026-02-31T00:00:00.000Z|${ID}`)],
    ['Feb 29th of a common year', cursor(`2026-02-29T00:00:00.000Z|${ID}`)],
    ['year 0000', cursor(`0000-01-01T00:00:00.000Z|${ID}`)],
    ['hour 24', cursor(`2026-01-01T24:00:00.000Z|${ID}`)],
    ['a NUL id', cursor('2026-01-01T00:00:00.000Z|\u0000')],
    ['text that is not base64url', '+/=='],
    ['random bytes', Buffer.from([0xff, 0x7c, 0xfe]).toString('base64url')],
  ])('refuses %s', (_, text) => {
    expect(parsePageCursor(text)).toBeUndefined()
  })
})

describe('a query time', () => {
  it.each([
    ['2026-03-01T12:00:00Z', true],
    ['2024-02-29T00:00:00+14:00', true],
    ['1970-01-01T00:00:00Z', true],
    ['9999-12-31T23:59:59.999Z', true],
    ['1969-12-31T23:59:59Z', false],
    ['0000-01-01T00:00:00Z', false],
    ['2026-02-31T00:00:00Z', false],
    ['2026-01-01T00:00:00', false],
    ['1', false],
  ])('%s: %s', (text, ok) => {
    expect(isQueryTime(text)).toBe(ok)
  })
})
