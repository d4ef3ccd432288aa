import type { TelemetryRecord } from '@tessera/contracts'

/** What ingest knows of an agent, from guardian's events. */
export interface KnownAgent {
  agentId: string
  orgId: string
  handle: string
  status: 'active' | 'revoked'
}

/** An org's redaction: top-level param keys to drop, or to replace by a hash, before storage. */
export interface RedactionRule {
  dropKeys: readonly string[]
  hashKeys: readonly string[]
}

/** The impure things intake needs, passed in. */
export interface IntakeDeps {
  newEventId(): string
  /** A stable digest of a JSON value, for hashed keys. */
  hash(json: string): string
}

/** A record ready for the group commit (the commit stamps `receivedAt`). */
export type NewRecord = Omit<TelemetryRecord, 'receivedAt'>

/** Applies an org's redaction to one object of params (or Arden data): a new object. */
export function redact<T extends Record<string, unknown>>(
  params: T,
  rule: RedactionRule | undefined,
  deps: IntakeDeps,
): T {
  if (!rule || (rule.dropKeys.length === 0 && rule.hashKeys.length === 0)) return params
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(params)) {
    if (rule.dropKeys.includes(k)) continue
    out[k] = rule.hashKeys.includes(k) ? `sha256:${deps.hash(JSON.stringify(v))}` : v
  }
  return out as T
}
