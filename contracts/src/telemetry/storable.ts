/** JSON nesting allowed inside telemetry payloads (params, metadata). */
export const MAX_JSON_DEPTH = 32

/**
 * Why a parsed JSON value cannot be stored as Postgres `jsonb`, or null if it can: `jsonb`
 * refuses NUL characters and lone UTF-16 surrogates (what bad UTF-8 often decodes to), and
 * very deep nesting is refused here before anything recursive touches it. Walks iteratively,
 * so a hostile value cannot overflow the stack.
 */
export function unstorableReason(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }]
  while (stack.length) {
    const { v, depth } = stack.pop()!
    if (typeof v === 'string') {
      const bad = badText(v)
      if (bad) return bad
    } else if (typeof v === 'object' && v !== null) {
      if (depth >= maxDepth) return `nested deeper than ${maxDepth} levels`
      if (Array.isArray(v)) {
        for (const item of v) stack.push({ v: item, depth: depth + 1 })
      } else {
        for (const [k, item] of Object.entries(v)) {
          const bad = badText(k)
          if (bad) return `key: ${bad}`
          stack.push({ v: item, depth: depth + 1 })
        }
      }
    }
  }
  return null
}

function badText(s: string): string | null {
  if (s.includes('\u0000')) return 'text contains a NUL character'
  if (!s.isWellFormed()) return 'text is not well-formed Unicode'
  return null
}
