import fc from 'fast-check'
import { z } from 'zod'

/**
 * How many runs a property gets: `n`, times `TESSERA_FUZZ_SCALE` (`=10` runs every property ten
 * times as often). Every fuzz suite reads it so.
 */
export const fuzzRuns = (n: number): number =>
  Math.ceil(n * Number(process.env['TESSERA_FUZZ_SCALE'] ?? 1))

/**
 * `TESSERA_FUZZ_SEED=<n>` replays a run (fast-check prints the seed and the shrunk counterexample
 * of a failure): call once at the top of a fuzz suite.
 */
export function replayFuzzSeed(): void {
  const seed = process.env['TESSERA_FUZZ_SEED']
  if (seed) fc.configureGlobal({ seed: Number(seed) })
}

/** Generous on a busy 2-core box: a request that takes this long is a hang, not a slow answer. */
export const FUZZ_REQUEST_BOUND_MS = 15_000

/** The error body every service answers with (docs/api-errors.md), exactly: no other keys. */
export const ErrorBody = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
})

/** A lone UTF-16 surrogate: JSON carries it, Postgres cannot store it. */
export const loneSurrogate = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((c) => String.fromCharCode(c))

/**
 * Strings that trip storage and parsers: NUL, lone surrogates, U+FFFE, U+2028, prototype keys
 * (plus `extra`), and random text mixing them with any code point.
 */
export const hostileText = (...extra: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '\u0000',
      '\ud800',
      '\udfff',
      'a\ud83d',
      '\udc00b',
      '\ufffe',
      '\u2028',
      '__proto__',
      'constructor',
      ...extra,
    ),
    fc.string({
      unit: fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        loneSurrogate,
        fc.constant('\u0000'),
      ),
    }),
  )
