import canonicalize from 'canonicalize'
import { sha256Hex } from './sha256.ts'

/**
 * `value` as RFC 8785 (JCS) canonical JSON: members sorted by UTF-16 code units, no whitespace,
 * numbers and strings as ECMAScript writes them. What is signed or hashed for a signature.
 * Throws a TypeError for what has no JCS form: undefined, a function, NaN or ±Infinity, a
 * string with a lone surrogate (not I-JSON), a cycle.
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined
  try {
    text = canonicalize(value)
  } catch (err) {
    throw new TypeError(`no RFC 8785 form: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    })
  }
  if (text === undefined) throw new TypeError(`no RFC 8785 form: ${typeof value}`)
  return text
}

/**
 * SHA-256, hex, of a parsed JSON value in canonical form: the same hash as
 * `sha256Hex(canonicalJson(value))` whenever that does not throw. For values from outside (an
 * intake batch), it never throws: nesting of any depth is walked without recursion, where the
 * `canonicalize` package would overflow the stack, and a lone surrogate is escaped as
 * `JSON.stringify` does, so the event that carries it can be rejected on its own later.
 */
export function contentHash(value: unknown): string {
  return sha256Hex(lenientCanonicalJson(value))
}

// Hand-written because `canonicalize` recurses and rejects lone surrogates; a property test
// keeps it byte for byte equal to the package on well-formed JSON.
function lenientCanonicalJson(value: unknown): string {
  const out: string[] = []
  const todo: (string | { v: unknown })[] = [{ v: value }]
  while (todo.length) {
    const next = todo.pop()!
    if (typeof next === 'string') {
      out.push(next)
      continue
    }
    const v = next.v
    if (v === null || typeof v !== 'object') {
      out.push(JSON.stringify(v) ?? 'null')
      continue
    }
    const parts: (string | { v: unknown })[] = []
    if (Array.isArray(v)) {
      v.forEach((item, i) => parts.push(...(i ? [','] : []), { v: item }))
      parts.unshift('[')
      parts.push(']')
    } else {
      const obj = v as Record<string, unknown>
      const keys = Object.keys(obj)
        .sort()
        .filter((k) => obj[k] !== undefined)
      keys.forEach((k, i) => parts.push(`${i ? ',' : ''}${JSON.stringify(k)}:`, { v: obj[k] }))
      parts.unshift('{')
      parts.push('}')
    }
    for (let i = parts.length - 1; i >= 0; i--) todo.push(parts[i]!)
  }
  return out.join('')
}
