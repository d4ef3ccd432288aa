import type { z } from 'zod'
import { ValidationFailed } from './errors.ts'

/** Parses a request body or query with a contracts schema; 400 VALIDATION_ERROR otherwise. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw ValidationFailed('request is invalid', {
    issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  })
}
