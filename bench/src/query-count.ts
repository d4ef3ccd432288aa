import pg from 'pg'

/**
 * Counts the statements this process sends to Postgres while `on`, by their text with
 * whitespace folded and schema names cut (each `"…"` identifier becomes `"S"` when it names a
 * generated schema), so a bench can print the queries per operation of an in-process service.
 */
export function countQueries() {
  const counts = new Map<string, number>()
  let on = false
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown }
  const original = proto.query
  proto.query = function (this: unknown, ...args: unknown[]) {
    if (on) {
      const c = args[0] as string | { text?: string }
      const text = typeof c === 'string' ? c : (c.text ?? '')
      const key = text
        .replace(/\s+/g, ' ')
        .replace(/"[a-z0-9_]*_[0-9a-z]{8,}[a-z0-9_]*"/g, '"S"')
        .slice(0, 100)
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    return original.apply(this, args)
  }
  return {
    start: () => {
      counts.clear()
      on = true
    },
    /** Stops counting; statements per `per` operations, most frequent first. */
    stop(per: number) {
      on = false
      const total = [...counts.values()].reduce((a, b) => a + b, 0)
      const top = [...counts]
        .sort((a, b) => b[1] - a[1])
        .map(([text, n]) => ({ perOp: Number((n / Math.max(per, 1)).toFixed(2)), text }))
      return { perOp: Number((total / Math.max(per, 1)).toFixed(2)), statements: top }
    },
  }
}
