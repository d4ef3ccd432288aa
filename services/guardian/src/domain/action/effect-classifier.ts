import { type ActionEffect, toolWords } from '@tessera/contracts'

/**
 * Classifies what a tool does from its name, for action checks that do not state
 * `actionEffect`. The heuristics, in order (the first that matches wins):
 *
 * 1. The name is split into words: `_`, `-`, `.`, `:`, `/`, spaces and camelCase boundaries.
 * 2. `admin` words (grant, revoke, sudo, role, permission, …) anywhere make it `admin`.
 * 3. `destructive` words (delete, drop, truncate, purge, transfer, pay, …) make it `destructive`.
 * 4. `mutating` words (create, update, write, send, deploy, execute, …) make it `mutating`.
 * 5. `read` words (get, list, read, search, fetch, query, …) make it `read`.
 *
 * Confidence is 0.9 when the deciding word is the first one (a verb, as most tool names
 * start), 0.7 when it comes later, and 0.5 when words of two classes appear (the riskier
 * class wins). A name with no known word is `mutating` at 0.3: unknown tools are not
 * assumed harmless, but neither do they all need a human.
 */

export interface Classification {
  effect: ActionEffect
  confidence: number
  /** The word that decided, or null for the unknown-name default. */
  matched: string | null
}

// prettier-ignore
const WORDS: Record<ActionEffect, ReadonlySet<string>> = {
  admin: new Set([
    'admin', 'sudo', 'root', 'grant', 'revoke', 'role', 'roles', 'permission', 'permissions',
    'acl', 'iam', 'policy', 'policies', 'impersonate', 'escalate', 'chmod', 'chown', 'superuser',
    'apikey', 'credentials', 'secret', 'secrets',
  ]),
  destructive: new Set([
    'delete', 'del', 'remove', 'rm', 'drop', 'truncate', 'destroy', 'purge', 'wipe', 'erase',
    'kill', 'terminate', 'shutdown', 'format', 'reset', 'transfer', 'pay', 'payment', 'withdraw',
    'refund', 'charge', 'unlink', 'evict', 'ban',
  ]),
  mutating: new Set([
    'create', 'update', 'write', 'put', 'post', 'set', 'insert', 'add', 'edit', 'modify', 'patch',
    'upload', 'send', 'publish', 'deploy', 'merge', 'commit', 'push', 'move', 'mv', 'rename',
    'copy', 'cp', 'execute', 'exec', 'run', 'invoke', 'install', 'approve', 'submit', 'book',
    'order', 'schedule', 'assign', 'upsert', 'save', 'store', 'append', 'enable', 'disable',
    'start', 'stop', 'restart', 'mkdir', 'touch', 'email', 'message', 'reply', 'comment',
  ]),
  read: new Set([
    'get', 'list', 'read', 'search', 'fetch', 'query', 'find', 'describe', 'show', 'view',
    'lookup', 'count', 'check', 'download', 'browse', 'inspect', 'stat', 'head', 'cat', 'ls',
    'retrieve', 'load', 'open', 'scan', 'summarize', 'analyze', 'preview', 'status', 'info',
  ]),
}

/** Riskiest first: when words of several classes appear, the riskier one decides. */
const BY_RISK: readonly ActionEffect[] = ['admin', 'destructive', 'mutating', 'read']

/** Higher is riskier: read 0, mutating 1, destructive 2, admin 3. */
export function riskOf(effect: ActionEffect): number {
  return BY_RISK.length - 1 - BY_RISK.indexOf(effect)
}

/** The effect a check goes by, where it came from, and how sure guardian is of it. */
export interface EffectUsed {
  effect: ActionEffect
  effectSource: 'declared' | 'classified'
  confidence: number
}

/**
 * A declared effect may raise the classified one, never lower it: `db_drop_table` declared
 * `read` stays `destructive` (`classified`, the classifier's confidence), while `web_search`
 * declared `admin` is `admin` (`declared`, confidence 1). A declaration equal to the
 * classification is `declared` at 1. The unknown-name default (`mutating`) is a floor too:
 * an agent cannot talk an unrecognised tool down to `read`.
 */
export function effectFor(toolName: string, declared: ActionEffect | undefined): EffectUsed {
  const classified = classifyEffect(toolName)
  if (declared === undefined || riskOf(declared) < riskOf(classified.effect)) {
    return {
      effect: classified.effect,
      effectSource: 'classified',
      confidence: classified.confidence,
    }
  }
  return { effect: declared, effectSource: 'declared', confidence: 1 }
}

export { toolWords }

export function classifyEffect(toolName: string): Classification {
  const words = toolWords(toolName)
  const classes = BY_RISK.filter((effect) => words.some((w) => WORDS[effect].has(w)))
  const effect = classes[0]
  if (!effect) return { effect: 'mutating', confidence: 0.3, matched: null }
  const index = words.findIndex((w) => WORDS[effect].has(w))
  const confidence = classes.length > 1 ? 0.5 : index === 0 ? 0.9 : 0.7
  return { effect, confidence, matched: words[index]! }
}
