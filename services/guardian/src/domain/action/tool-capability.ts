import { normaliseToolName, toolWords } from '@tessera/contracts'

/**
 * The capability a tool needs, from its name, so an agent registered with `web:search` may
 * call `web_search`. The rule, documented in docs/guardian/action-checks.md:
 *
 * - a name that already looks like a capability (`payments:transfer`) is used as it is;
 * - otherwise the name is split into words as the effect classifier splits it (`toolWords`:
 *   camelCase, and every run of other characters than a-z 0-9), and the first word is the
 *   namespace: `webSearch`, `web-search`, `WEB.SEARCH` → `web:search`, `db.delete_rows` →
 *   `db:delete_rows`;
 * - a name of one word (`search`) needs `tool:search`.
 *
 * So every spelling of the same words needs the same capability, and has the same normalised
 * name (`normaliseToolName`) and the same classified effect. An agent holding `ns:*` may call
 * every tool of that namespace.
 */
export function capabilityFor(toolName: string): string {
  const trimmed = toolName.trim()
  if (/^[a-z0-9_.-]+:[a-z0-9_.-]+$/.test(trimmed)) return trimmed
  const [ns, ...rest] = toolWords(trimmed)
  if (ns === undefined) return 'tool:unnamed'
  return rest.length > 0 ? `${ns}:${rest.join('_')}` : `tool:${ns}`
}

/** The name org rules match (`@tessera/contracts`' rule, shared with pacts' param bindings). */
export { normaliseToolName }

/**
 * A rule's tool glob, normalised as tool names are so that it matches every spelling: the
 * text between wildcards is normalised, `*` and `?` stay, and a separator next to a wildcard
 * stays as `_` (`DB-*` → `db_*`, `*Funds` → `*funds`). At the glob's ends a separator goes,
 * as it does from names (`_db*` → `db*`). `\` escapes are read first; an escaped wildcard is
 * literal text, which a normalised name never holds, so it becomes `_`.
 */
export function normaliseToolGlob(glob: string): string {
  const parts: string[] = [] // literal runs at even indices, wildcards at odd ones
  let run = ''
  const chars = Array.from(glob)
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!
    if (ch === '*' || ch === '?') {
      parts.push(run, ch)
      run = ''
    } else run += ch === '\\' ? (chars[++i] ?? '') : ch
  }
  parts.push(run)
  const last = parts.length - 1
  return parts.map((part, i) => (i % 2 === 1 ? part : normaliseRun(part, i > 0, i < last))).join('')
}

/** A literal run of a glob; a separator at its edge stays only beside a wildcard. */
function normaliseRun(run: string, wildcardBefore: boolean, wildcardAfter: boolean): string {
  if (run === '') return ''
  const words = toolWords(run).join('_')
  const lead = wildcardBefore && /^[^a-zA-Z0-9]/.test(run) ? '_' : ''
  const trail = wildcardAfter && /[^a-zA-Z0-9]$/.test(run) ? '_' : ''
  if (words !== '') return `${lead}${words}${trail}`
  return lead && trail ? '_' : ''
}
