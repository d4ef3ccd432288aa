/** Free-form context the server attached to an error, e.g. `{ field, notGranted }`. */
export type ErrorDetails = Record<string, unknown>

export interface TesseraErrorOptions {
  details?: ErrorDetails
  /** Undefined when there was no HTTP answer. */
  status?: number | undefined
  cause?: unknown
}

/**
 * Every error the SDK throws for a failed call. `code` is the server's machine-readable code
 * (`AUTH_FAILED`, `AGENT_REVOKED`, …) or one of the SDK's own (`NETWORK_ERROR`, …); `status` is
 * the HTTP status, or `undefined` when no HTTP answer came back.
 */
export class TesseraError extends Error {
  readonly code: string
  readonly details: ErrorDetails
  readonly status: number | undefined

  constructor(code: string, message: string, options: TesseraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = options.details ?? {}
    this.status = options.status
    // new.target, not a literal per class: subclasses get their own name without repeating it
    this.name = new.target.name
  }
}

/** 401: the API key is missing, malformed, unknown or revoked. */
export class AuthenticationError extends TesseraError {}

/** 403: the key is valid but may not do this. */
export class AuthorizationError extends TesseraError {}

/** 400: the request was refused as invalid; `details` says which field and why. */
export class ValidationError extends TesseraError {}

/** 404: no such resource in the caller's org (another org's resources are 404s too). */
export class NotFoundError extends TesseraError {}

/**
 * No HTTP answer at all: connection refused or reset, DNS failure, or `timeoutMs` elapsed.
 * The request may or may not have reached the server.
 */
export class NetworkError extends TesseraError {}

/** The action needs a human's approval first; `approvalId` is what to wait on. */
export class ElevationRequiredError extends TesseraError {
  readonly approvalId: string | undefined

  constructor(code: string, message: string, options: TesseraErrorOptions = {}) {
    super(code, message, options)
    const id = this.details['approvalId'] ?? this.details['approval_id']
    this.approvalId = typeof id === 'string' ? id : undefined
  }
}

/** Guardian's policy denied the action. */
export class ActionDeniedError extends TesseraError {}

/**
 * Guardian answered with a 5xx. A guard that fails closed also raises this, with the
 * `NetworkError` as its `cause`, when guardian cannot be reached at all.
 */
export class GuardianUnavailableError extends TesseraError {}

type ErrorClass = new (code: string, message: string, options: TesseraErrorOptions) => TesseraError

// Codes that mean the same whatever the status they arrive with, so they are matched first.
const BY_CODE: Record<string, ErrorClass> = {
  ELEVATION_REQUIRED: ElevationRequiredError,
  ACTION_DENIED: ActionDeniedError,
  GUARDIAN_UNAVAILABLE: GuardianUnavailableError,
}

const BY_STATUS: Record<number, { type: ErrorClass; code: string }> = {
  400: { type: ValidationError, code: 'VALIDATION_ERROR' },
  401: { type: AuthenticationError, code: 'AUTH_FAILED' },
  403: { type: AuthorizationError, code: 'AUTH_DENIED' },
  404: { type: NotFoundError, code: 'NOT_FOUND' },
}

/**
 * The error for a non-2xx answer. `body` is the parsed JSON, or `undefined` when the body was
 * not JSON (a proxy's HTML page, say): the status alone then picks the class and code.
 */
export function errorFromResponse(status: number, body: unknown): TesseraError {
  const wire = readErrorBody(body)
  const byStatus = BY_STATUS[status]
  const fallbackCode =
    byStatus?.code ?? (status >= 500 ? 'GUARDIAN_UNAVAILABLE' : `HTTP_${String(status)}`)
  const code = wire.code ?? fallbackCode
  const message = wire.message ?? `guardian answered HTTP ${String(status)}`
  const type =
    BY_CODE[code] ?? byStatus?.type ?? (status >= 500 ? GuardianUnavailableError : TesseraError)
  return new type(code, message, { details: wire.details, status })
}

function readErrorBody(body: unknown): {
  code?: string
  message?: string
  details: ErrorDetails
} {
  if (typeof body !== 'object' || body === null) return { details: {} }
  const { code, message, details } = body as Record<string, unknown>
  return {
    ...(typeof code === 'string' && code !== '' ? { code } : {}),
    ...(typeof message === 'string' && message !== '' ? { message } : {}),
    details:
      typeof details === 'object' && details !== null && !Array.isArray(details)
        ? (details as ErrorDetails)
        : {},
  }
}
