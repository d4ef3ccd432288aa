/** Refusals of dispute commands; each `code` is stable (docs/jury.md). */
abstract class DisputeError extends Error {
  abstract readonly code: string
  constructor(message: string) {
    super(message)
    this.name = new.target.name
  }
}

/** Unknown, or not a dispute of the caller's org: the same 404. */
export class DisputeNotFound extends DisputeError {
  readonly code = 'NOT_FOUND'
}
export class NotRespondent extends DisputeError {
  readonly code = 'DISPUTE_NOT_RESPONDENT'
}
export class ResponseWindowClosed extends DisputeError {
  readonly code = 'DISPUTE_RESPONSE_WINDOW_CLOSED'
}
export class AlreadyResponded extends DisputeError {
  readonly code = 'DISPUTE_ALREADY_RESPONDED'
}
export class NotAppealable extends DisputeError {
  readonly code = 'DISPUTE_NOT_APPEALABLE'
}
export class AppealWindowClosed extends DisputeError {
  readonly code = 'DISPUTE_APPEAL_WINDOW_CLOSED'
}
export class AlreadyAppealed extends DisputeError {
  readonly code = 'DISPUTE_ALREADY_APPEALED'
}
