/**
 * A condition that cannot be compiled: invalid by the schema, or a regex or glob this lib
 * cannot run. `path` is a JSON pointer into the condition (`/all/1/regex`), `""` for the root.
 */
export class InvalidConditionError extends Error {
  readonly code = 'INVALID_CONDITION'

  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message)
    this.name = new.target.name
  }
}
