/**
 * A refused escrow command: a stable code and the HTTP status the shell answers with. Nothing
 * is stored and no money moves when one is thrown (the postings and events share a transaction).
 */
export class EscrowRefused extends Error {
  constructor(
    readonly status: 403 | 404 | 409 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export const refuse = (status: EscrowRefused['status'], code: string, message: string) =>
  new EscrowRefused(status, code, message)
