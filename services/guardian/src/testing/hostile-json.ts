import fc from 'fast-check'
import { hostileText } from '@tessera/testing'
import type { Json } from './guardian-harness.ts'

/** Hostile JSON values, path segments, times and cursors for guardian's fuzz suite. */

/** Strings JSON carries but Postgres cannot store, and other text that trips parsers. */
export const nasty = hostileText(
  'a\u0000b',
  '\u202e',
  '',
  ' ',
  '%00',
  '../../etc/passwd',
  "'; drop table agents; --",
  '${jndi:x}',
  'web:*',
  '*',
  '2026-02-31T00:00:00Z',
  '0000-01-01T00:00:00Z',
)
const huge = fc
  .tuple(fc.integer({ min: 1_000, max: 300_000 }), fc.constantFrom('a', '\u00e9', '🙂', '\u0000'))
  .map(([n, c]) => c.repeat(n))
const deep = fc
  .integer({ min: 10, max: 800 })
  .map((n) => JSON.parse(`${'['.repeat(n)}1${']'.repeat(n)}`) as unknown)
const wrongType = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, 2 ** 53, [], {}),
  fc.double(),
  fc.integer(),
)
export const junk = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: wrongType },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: deep },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.string(), nasty), nasty, { maxKeys: 4 }) },
)

/** Values like `sample`: mostly it, sometimes a near miss of its type, sometimes junk. */
function like(sample: unknown, depth = 0): fc.Arbitrary<unknown> {
  const near: fc.Arbitrary<unknown>[] = []
  if (typeof sample === 'string') near.push(nasty, fc.string({ maxLength: 300 }))
  if (typeof sample === 'number') near.push(fc.integer(), fc.double(), fc.constant(String(sample)))
  if (Array.isArray(sample) && depth < 4)
    near.push(fc.array(sample.length ? like(sample[0], depth + 1) : junk, { maxLength: 6 }))
  if (typeof sample === 'object' && sample !== null && !Array.isArray(sample) && depth < 4)
    near.push(shaped(sample as Json, depth + 1))
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant(sample) },
    { weight: 2, arbitrary: near.length ? fc.oneof(...near) : junk },
    { weight: 1, arbitrary: junk },
  )
}

/** An object with each field kept, changed or dropped, and unknown fields added. */
export function shaped(sample: Json, depth = 0): fc.Arbitrary<Json> {
  const fields = Object.fromEntries(Object.entries(sample).map(([k, v]) => [k, like(v, depth)]))
  return fc
    .tuple(
      fc.record(fields, { requiredKeys: [] }),
      fc.option(fc.dictionary(fc.oneof(fc.string(), nasty), junk, { maxKeys: 3 }), { freq: 4 }),
    )
    .map(([o, extra]) => (extra ? { ...extra, ...o } : o))
}

/** `%`-encodes text byte by byte, lone surrogates included (encodeURIComponent throws on them). */
export function pct(text: string): string {
  let out = ''
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('')
    } else out += encodeURIComponent(ch)
  }
  return out
}

export const cursorText = fc.oneof(
  fc.constantFrom(
    '2026-02-31T00:00:00.000Z|agt_0123456789abcdefghjkmnpqrs',
    '0000-01-01T00:00:00.000Z|agt_0123456789abcdefghjkmnpqrs',
    '2026-01-01T00:00:00.000Z|agt_0123456789abcdefghjkmnpqrs',
    '9999-12-31T23:59:59.999Z|chk_0123456789abcdefghjkmnpqrs',
    '2026-01-01T00:00:00.000Z|\u0000',
    '|',
    '',
  ),
  fc.string(),
  fc.tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 40 })).map(([a, b]) => `${a}|${b}`),
)
export const timeText = fc.oneof(
  fc.constantFrom(
    '2026-02-31T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '9999-12-31T23:59:59Z',
    '10000-01-01T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:00:00+99:00',
    '2026-01-01',
    'yesterday',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
)
