import { describe, expect, it } from 'vitest'
import canonicalize from 'canonicalize'
import fc from 'fast-check'
import { canonicalJson } from './canonical-json.ts'

describe('canonicalJson', () => {
  it('writes what the canonicalize package writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value))
      }),
    )
  })

  it('sorts keys at every depth and leaves out undefined members', () => {
    expect(canonicalJson({ b: [{ d: 1, c: undefined, a: null }], a: 'x' })).toBe(
      '{"a":"x","b":[{"a":null,"d":1}]}',
    )
  })

  it('walks nesting of any depth and escapes lone surrogates instead of throwing', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown
    expect(canonicalJson(deep)).toHaveLength(200_000)
    expect(canonicalJson({ s: '\ud800' })).toBe('{"s":"\\ud800"}')
  })
})
