import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { inputDigest, keptSummary } from './check-input.ts'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

describe('what a check asked about', () => {
  it('is digested as RFC 8785 JSON of {summary, params}, each left out when not sent', () => {
    // keys sorted, no whitespace: the bytes anyone can rebuild to check a digest
    expect(inputDigest('pay ACME', { currency: 'EUR', amount: 10 })).toBe(
      sha256('{"params":{"amount":10,"currency":"EUR"},"summary":"pay ACME"}'),
    )
    expect(inputDigest('pay ACME', undefined)).toBe(sha256('{"summary":"pay ACME"}'))
    expect(inputDigest(undefined, undefined)).toBe(sha256('{}'))
    // sent empty is not the same as not sent
    expect(inputDigest(undefined, {})).not.toBe(inputDigest(undefined, undefined))
  })

  it('does not depend on the order of keys in params (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (params) => {
        const reversed = Object.fromEntries(Object.entries(params).reverse())
        expect(inputDigest('x', reversed)).toBe(inputDigest('x', params))
      }),
    )
  })

  it('covers the whole summary, while only 200 code points are kept', () => {
    const head = '😀'.repeat(200)
    expect(keptSummary(`${head}a`)).toBe(head)
    expect(keptSummary(`${head}a`)).toBe(keptSummary(`${head}b`))
    expect(inputDigest(`${head}a`, undefined)).not.toBe(inputDigest(`${head}b`, undefined))
    expect(keptSummary(undefined)).toBeUndefined()
  })
})
