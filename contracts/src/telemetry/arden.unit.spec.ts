import { describe, expect, it } from 'vitest'
import { validateArdenEvent } from './arden.ts'

const user = '01ARZ3NDEKTSV4RRFFQ69G5FAV'
const withData = (data: unknown) => validateArdenEvent({ agent: 'A-1', time: 1, user, data })
/** `{"k":"<value>"}` is 8 bytes plus the value's UTF-8 length. */
const sized = (value: string) => ({ k: value })

describe('Arden data size counts UTF-8 bytes of the JSON, not characters', () => {
  it.each([
    ['ASCII', 'a', 1],
    ['2-byte é', 'é', 2],
    ['3-byte €', '€', 3],
    ['4-byte emoji', '😀', 4],
  ])('%s: exactly 1024 bytes pass, 1025 do not', (_name, char, bytes) => {
    const fill = (total: number) => {
      const room = total - 8
      const n = Math.floor(room / bytes)
      return char.repeat(n) + 'a'.repeat(room - n * bytes)
    }
    expect(withData(sized(fill(1024))).ok).toBe(true)
    expect(withData(sized(fill(1025)))).toMatchObject({ ok: false, error: 'bad_data_size' })
  })

  it('counts escapes as JSON writes them', () => {
    // a quote is written as \" (2 bytes)
    expect(withData(sized('"'.repeat(508))).ok).toBe(true)
    expect(withData(sized('"'.repeat(509)))).toMatchObject({ ok: false, error: 'bad_data_size' })
  })

  it('rejects values that are not strings or safe integers', () => {
    for (const v of [1.5, true, null, [1], { a: 1 }, 2 ** 53]) {
      expect(withData({ k: v })).toMatchObject({ ok: false, error: 'validation_error' })
    }
  })
})
