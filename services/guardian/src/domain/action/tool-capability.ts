/**
 * The capability a tool needs, from its name, so an agent registered with `web:search` may
 * call `web_search`. The rule, documented in docs/guardian/action-checks.md:
 *
 * - a name that already looks like a capability (`payments:transfer`) is used as it is;
 * - otherwise the name is lowercased, camelCase is split (`webSearch` → `web_search`), and the
 *   first `_`, `-`, `.`, `/`, `:` or space becomes the `:` (`web_search` → `web:search`,
 *   `db.delete_rows` → `db:delete_rows`);
 * - a name of one word (`search`) needs `tool:search`.
 *
 * An agent holding `ns:*` may call every tool of that namespace.
 */
export function capabilityFor(toolName: string): string {
  const trimmed = toolName.trim()
  if (/^[a-z0-9_.-]+:[a-z0-9_.-]+$/.test(trimmed)) return trimmed
  // camelCase splits a one-word name (`webSearch`); with a separator only the rest is split
  const name = /[_\-./: ]/.test(trimmed) ? trimmed : splitCamel(trimmed)
  const cut = name.search(/[_\-./: ]/)
  const head = cut < 0 ? name : name.slice(0, cut)
  const rest = cut < 0 ? '' : name.slice(cut + 1)
  const ns = clean(head)
  const verb = clean(splitCamel(rest))
  if (ns === '' || verb === '') return `tool:${ns || verb || 'unnamed'}`
  return `${ns}:${verb}`
}

function splitCamel(part: string): string {
  return part.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
}

/** Lowercase, and anything a capability may not hold becomes `_`. */
function clean(part: string): string {
  return part
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '_')
    .replace(/^[_.-]+|[_.-]+$/g, '')
}
