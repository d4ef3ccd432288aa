import canonicalize from 'canonicalize'

/**
 * What an A2A card's signatures sign (A2A v1.0 §8.4): the card without `signatures`, with its
 * default values left out, as RFC 8785 (JCS) JSON. The same bytes that @tessera/sdk's
 * `verifyAgentCard` and the A2A SDKs rebuild when they verify.
 */
export function cardPayload(card: object): string {
  const { signatures: _signatures, ...unsigned } = card as Record<string, unknown>
  return canonicalize(withoutDefaults(unsigned) ?? {}) ?? '{}'
}

/**
 * Drops null, '' and empty lists and objects, deepest first, as A2A's canonicalization does
 * (a proto3 JSON reader cannot tell them from absent). `false` and `0` stay.
 */
export function withoutDefaults(value: unknown): unknown {
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
