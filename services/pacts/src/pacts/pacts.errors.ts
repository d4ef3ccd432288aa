import { ApiError, NotFound, ValidationFailed } from '@tessera/service-kit'
import { PACT_TERMS_MAX_BYTES } from '@tessera/contracts'
import * as E from '../domain/pact/pact.errors.ts'
import { TermsInvalid, TermsTooLarge } from '../domain/pact/pact-terms.ts'

type ErrorClass = abstract new (...args: never[]) => Error & { code: string }

/** The status of each refusal; its `code` is the error's own (docs/pacts.md lists them). */
const STATUS = new Map<ErrorClass, number>([
  [E.UnknownAgent, 422],
  [E.AmbiguousAgent, 422],
  [E.AgentHasNoKey, 422],
  [E.SameParty, 422],
  [E.PartiesMismatch, 422],
  [E.BadSignature, 422],
  [E.HashMismatch, 422],
  [E.PartyRevoked, 409],
  [E.NonceReplayed, 409],
  [E.NotYourTurn, 409],
  [E.StaleHash, 409],
  [E.PactNotProposed, 409],
  [E.PactNotActive, 409],
  [E.SellerOnly, 403],
])

const isUniqueViolation = (err: unknown, constraint: string) =>
  typeof err === 'object' &&
  err !== null &&
  (err as { code?: unknown }).code === '23505' &&
  (err as { constraint?: unknown }).constraint === constraint

/** A domain refusal as the API answers it; anything else is rethrown as it is. */
export function toApiError(err: unknown, pactId?: string): unknown {
  if (err instanceof TermsTooLarge) {
    return new ApiError(413, err.code, err.message, { bytes: err.bytes, max: PACT_TERMS_MAX_BYTES })
  }
  if (err instanceof TermsInvalid) return ValidationFailed(err.message, { issues: err.issues })
  if (err instanceof E.PactNotFound) return NotFound('pact', pactId ?? '')
  if (err instanceof E.NotOwnAgent) return NotFound('agent', err.agentId)
  // two requests with one nonce raced past the check: the table's key refused the second
  if (isUniqueViolation(err, 'pact_nonces_pkey')) {
    return new ApiError(409, 'PACT_NONCE_REPLAYED', 'this nonce was already used by the proposer')
  }
  for (const [type, status] of STATUS) {
    if (err instanceof type) {
      const { message, code, name: _name, stack: _stack, ...details } = err
      return new ApiError(status, code, message, details)
    }
  }
  return err
}
