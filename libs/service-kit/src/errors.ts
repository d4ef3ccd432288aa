/**
 * Errors with a stable code that the HTTP layer turns into `{code, message, details}`.
 * Domain code throws these (or its own subclasses); the filter maps them to statuses.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = new.target.name
  }
}

export const AuthFailed = (message = 'missing or invalid API key') =>
  new ApiError(401, 'AUTH_FAILED', message)
export const AuthDenied = (message = 'this key may not do that') =>
  new ApiError(403, 'AUTH_DENIED', message)
export const NotFound = (what: string, id: string) =>
  new ApiError(404, 'NOT_FOUND', `${what} ${id} not found`, { [what]: id })
export const ValidationFailed = (message: string, details: Record<string, unknown> = {}) =>
  new ApiError(400, 'VALIDATION_ERROR', message, details)
