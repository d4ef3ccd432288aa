import { describe, expect, it } from 'vitest'
import { type IntakeDeps, type RedactionRule, redact } from './intake.types.ts'

const deps: IntakeDeps = { newEventId: () => 'unused', hash: (json) => `H(${json})` }
const rule = (dropKeys: string[], hashKeys: string[]): RedactionRule => ({ dropKeys, hashKeys })

describe('redact', () => {
  it.each<[string, RedactionRule | undefined, Record<string, unknown>, Record<string, unknown>]>([
    [
      'keeps everything without a policy',
      undefined,
      { password: 'p', a: 1 },
      { password: 'p', a: 1 },
    ],
    ['keeps everything with an empty policy', rule([], []), { password: 'p' }, { password: 'p' }],
    ['drops a dropped key', rule(['password'], []), { password: 'p', a: 1 }, { a: 1 }],
    [
      'hashes a string as its JSON',
      rule([], ['email']),
      { email: 'a@b' },
      { email: 'sha256:H("a@b")' },
    ],
    [
      'hashes an integer as its JSON',
      rule([], ['amount']),
      { amount: 42 },
      { amount: 'sha256:H(42)' },
    ],
    [
      'hashes an object as its JSON',
      rule([], ['card']),
      { card: { n: '4242' } },
      { card: 'sha256:H({"n":"4242"})' },
    ],
    ['hashes null as its JSON', rule([], ['email']), { email: null }, { email: 'sha256:H(null)' }],
    [
      'only touches top-level keys',
      rule(['password'], ['email']),
      { user: { password: 'p', email: 'e' } },
      { user: { password: 'p', email: 'e' } },
    ],
    [
      'matches keys exactly (case-sensitive)',
      rule(['password'], []),
      { Password: 'p' },
      { Password: 'p' },
    ],
    [
      'leaves keys it does not name',
      rule(['password'], ['email']),
      { q: 'x', n: 1 },
      { q: 'x', n: 1 },
    ],
    ['ignores keys the params lack', rule(['password'], ['email']), {}, {}],
  ])('%s', (_, r, params, expected) => {
    expect(redact(params, r, deps)).toEqual(expected)
  })

  it('returns a new object and never changes the one it was given', () => {
    const params = { password: 'p', email: 'e', a: 1 }
    const out = redact(params, rule(['password'], ['email']), deps)
    expect(params).toEqual({ password: 'p', email: 'e', a: 1 })
    expect(out).not.toBe(params)
  })

  it('keeps the order of the keys it keeps', () => {
    const out = redact(
      { z: 1, password: 'p', a: 2, email: 'e' },
      rule(['password'], ['email']),
      deps,
    )
    expect(Object.keys(out)).toEqual(['z', 'a', 'email'])
  })
})
