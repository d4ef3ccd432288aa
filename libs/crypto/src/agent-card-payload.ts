import { canonicalJson } from './canonical-json.ts'

/**
 * What an A2A v1.0 agent card's signatures sign (§8.4.1): the card without `signatures` and
 * without default values (null, '', empty lists and objects), as RFC 8785 JSON. Guardian signs
 * these bytes and `@tessera/sdk` verifies them; the A2A SDKs rebuild the same.
 */
export function agentCardPayload(card: object): string {
  const { signatures: _signatures, ...unsigned } = card as Record<string, unknown>
  return canonicalJson(withoutDefaults(unsigned) ?? {})
}

/**
 * Drops null, '' and empty lists and objects, deepest first, as A2A's canonicalization does
 * (a proto3 JSON reader cannot tell them from absent). `false` and `0` stay.
 */
function withoutDefaults(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return undefined
  if (Array.isArray(value)) {
    const items = value.map(withoutDefaults).filter((v) => v !== undefined)
    return items.length > 0 ? items : undefined
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, withoutDefaults(v)] as const)
      .filter(([, v]) => v !== undefined)
    return entries.length > 0 ? Object.fromEntries(entries) : undefined
  }
  return value
}
