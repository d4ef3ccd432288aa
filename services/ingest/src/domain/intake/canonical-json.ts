/**
 * A parsed JSON value in canonical form (keys sorted, as the `canonicalize` package writes it),
 * for a batch's content hash. The batch is untrusted: nesting of any depth is walked without
 * recursion, and lone surrogates are escaped (as `JSON.stringify` does) instead of throwing;
 * the events that carry them are rejected one by one later, not the batch with a 500.
 */
export function canonicalJson(value: unknown): string {
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
