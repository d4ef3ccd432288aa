import { z } from 'zod'
import { ValidationFailed } from './errors.ts'

/** Parses a request body or query with a contracts schema; 400 VALIDATION_ERROR otherwise. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw ValidationFailed('request is invalid', {
    issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  })
}

/** The years a time in a query may name; Postgres refuses year 0000, and nothing here is older. */
export const QUERY_YEARS = { min: 1970, max: 9999 } as const

/**
 * A point in time a client may query by (`?from`, `?to`, a cursor's time): ISO 8601 with `Z` or
 * an offset, a real calendar day (zod refuses Feb 31), in a year of {@link QUERY_YEARS}.
 */
export const QueryTime = z.iso.datetime({ offset: true }).refine(
  (text) => {
    const year = Number(text.slice(0, 4))
    return year >= QUERY_YEARS.min && year <= QUERY_YEARS.max
  },
  { message: `must be a time in the years ${QUERY_YEARS.min}–${QUERY_YEARS.max}` },
)

/** Whether `text` is a {@link QueryTime}. */
export const isQueryTime = (text: string): boolean => QueryTime.safeParse(text).success
