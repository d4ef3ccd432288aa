/** Exit codes: the contract scripts rely on. */
export const EXIT = {
  /** everything accepted, or a dry run that found nothing wrong */
  ok: 0,
  /** at least one event rejected, by the server or by the dry run */
  rejected: 1,
  /** bad usage, an unreadable input, or a request that failed as a whole */
  failure: 2,
} as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/**
 * A problem the user fixes on the command line or in the input file. It is printed as its
 * message alone (no stack) and exits with {@link EXIT.failure}.
 */
export class CliError extends Error {
  override readonly name = 'CliError'
}
