import { canonicalJson, sha256Hex } from '@tessera/crypto'
import { CHECK_LIMITS } from './check.ts'

/** Longer summaries are cut to this many characters (code points), as the SDK does. */
export const MAX_SUMMARY_CHARS = CHECK_LIMITS.summaryCodePoints

/** The summary as guardian keeps it: at most 200 code points, so no surrogate pair is split. */
export function keptSummary(summary: string | undefined): string | undefined {
  return summary === undefined
    ? undefined
    : Array.from(summary).slice(0, MAX_SUMMARY_CHARS).join('')
}

/**
 * What an approval is bound to besides agent, session, capability and effect: SHA-256 (hex) of
 * the RFC 8785 JSON of `{summary, params}`, each left out when not sent. It is taken over the
 * whole summary as sent, before it is cut, so two inputs that differ only after 200 characters
 * are two actions; key order in `params` does not matter. Params are never stored, the digest is.
 */
export function inputDigest(
  summary: string | undefined,
  params: Record<string, unknown> | undefined,
): string {
  const input = {
    ...(summary === undefined ? {} : { summary }),
    ...(params === undefined ? {} : { params }),
  }
  return sha256Hex(canonicalJson(input))
}
