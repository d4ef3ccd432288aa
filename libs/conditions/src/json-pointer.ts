// RFC 6901 JSON pointers, written by hand: parsing is a split and two replaces, and resolving is
// a loop. A library would add a dependency for twenty lines and would not give us what the hot
// path wants: a pointer parsed once, then resolved without allocating.

/** What resolving a pointer returns when the document has nothing there. */
export const MISSING: unique symbol = Symbol('missing')

/** A pointer parsed once: its reference tokens and, for each, its array index or -1. */
export interface ParsedPointer {
  readonly tokens: readonly string[]
  readonly indices: readonly number[]
}

/** A reference token that names an array element: a canonical non-negative integer. */
export const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/

/** Parses a pointer the schema has already accepted (`isJsonPointer` in @tessera/contracts). */
export function parsePointer(pointer: string): ParsedPointer {
  if (pointer === '') return { tokens: [], indices: [] }
  // RFC 6901 §4: ~1 before ~0, so that "~01" becomes "~1" and not "/"
  const tokens = pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
  const indices = tokens.map((token) =>
    ARRAY_INDEX.test(token) && Number(token) <= Number.MAX_SAFE_INTEGER ? Number(token) : -1,
  )
  return { tokens, indices }
}

/** Writes one reference token back into pointer form. */
export function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1')
}

/**
 * The value at `pointer` in `doc`, or MISSING. Only own properties count (so `/constructor` on
 * `{}` is missing), `undefined` counts as missing (JSON has no undefined), and an array takes
 * only canonical indices (`/01` and `/-` are missing). May throw on hostile non-JSON input such
 * as a Proxy; callers that must not throw catch it.
 */
export function resolvePointer(doc: unknown, pointer: ParsedPointer): unknown {
  const { tokens, indices } = pointer
  let current: unknown = doc
  for (let i = 0; i < tokens.length; i++) {
    if (typeof current !== 'object' || current === null) return MISSING
    if (Array.isArray(current)) {
      const index = indices[i]!
      if (index < 0 || index >= current.length) return MISSING
      current = current[index]
    } else {
      const token = tokens[i]!
      if (!Object.hasOwn(current, token)) return MISSING
      current = (current as Record<string, unknown>)[token]
    }
    if (current === undefined) return MISSING
  }
  return current === undefined ? MISSING : current
}
