import { PACT_TERMS_MAX_BYTES, PactTerms } from '@tessera/contracts'
import { canonicalJson } from '@tessera/crypto'

/** Terms whose RFC 8785 JSON is over {@link PACT_TERMS_MAX_BYTES} bytes: a 413. */
export class TermsTooLarge extends Error {
  readonly code = 'PACT_TERMS_TOO_LARGE'
  constructor(readonly bytes: number) {
    super(`the terms' canonical JSON is ${bytes} bytes; at most ${PACT_TERMS_MAX_BYTES} are kept`)
  }
}

/** Terms that fail the contract: a 400 VALIDATION_ERROR with the issues. */
export class TermsInvalid extends Error {
  readonly code = 'VALIDATION_ERROR'
  constructor(readonly issues: { path: string; message: string }[]) {
    super('the terms are invalid')
  }
}

/** UTF-8 bytes of the canonical JSON, as signed; undefined for what JSON cannot carry. */
export function termsBytes(terms: unknown): number | undefined {
  try {
    return new TextEncoder().encode(canonicalJson(terms)).length
  } catch {
    return undefined
  }
}

/**
 * The size cap first (cheap to state, and a 40 MB `extensions` should not be walked by the
 * schema), then the contract. What passes is exactly what is hashed and stored.
 */
export function admitTerms(terms: unknown): PactTerms {
  const bytes = termsBytes(terms)
  if (bytes !== undefined && bytes > PACT_TERMS_MAX_BYTES) throw new TermsTooLarge(bytes)
  const parsed = PactTerms.safeParse(terms)
  if (!parsed.success) {
    throw new TermsInvalid(
      parsed.error.issues.map((i) => ({
        path: ['terms', ...i.path].join('.'),
        message: i.message,
      })),
    )
  }
  // zod trims some fields; the hash covers what was signed, so what is stored must be that
  if (canonicalJson(parsed.data) !== canonicalJson(terms)) {
    throw new TermsInvalid([
      { path: 'terms', message: 'must be in normal form (no surrounding whitespace in ids)' },
    ])
  }
  return parsed.data
}

/** `agt_…`, `A-1234abcd` or `did:key:…`: which column of the directory names the agent. */
export function agentRefKey(ref: string): { by: 'agentId' | 'handle' | 'did'; value: string } {
  const r = ref.trim()
  if (r.startsWith('did:key:')) return { by: 'did', value: r }
  const handle = /^A-([0-9a-fA-F]{8})$/.exec(r)
  if (handle) return { by: 'handle', value: handle[1]!.toLowerCase() }
  return { by: 'agentId', value: r }
}
