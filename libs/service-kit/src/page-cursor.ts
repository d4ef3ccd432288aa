import { z } from 'zod'
import { isQueryTime } from './validation.ts'

/** Where a newest-first page ended: the last item's time and id (the tie-breaker). */
export interface PageCursor {
  at: string
  id: string
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const ID = /^[a-z]{2,5}_[0-9a-z]{26}$/

function encodePageCursor(c: PageCursor): string {
  return Buffer.from(`${c.at}|${c.id}`).toString('base64url')
}

/**
 * The cursor a page handed out, or undefined when `text` is not one. The time must be a real
 * one: `Date.parse` reads `2026-02-31` as March 3rd, but Postgres refuses it.
 */
export function parsePageCursor(text: string): PageCursor | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined
  const [at, id, ...rest] = Buffer.from(text, 'base64url').toString().split('|')
  if (!at || !id || rest.length > 0 || !ISO_MS.test(at) || !isQueryTime(at)) return undefined
  return ID.test(id) ? { at, id } : undefined
}

/**
 * `?limit&cursor` of a newest-first list. The cursor comes out decoded; text this API did not
 * hand out is a `VALIDATION_ERROR` naming `cursor`. Extend it with the list's own filters.
 */
export function pageQuery(maxLimit = 100, defaultLimit = 50) {
  return z.object({
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
    cursor: z
      .string()
      .max(200)
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return undefined
        const cursor = parsePageCursor(text)
        if (!cursor)
          ctx.addIssue({ code: 'custom', message: 'is not a cursor this API handed out' })
        return cursor
      }),
  })
}

/** `limit + 1` rows fetched → the page and the cursor after it (null on the last page). */
export function pageOf<T>(
  rows: T[],
  limit: number,
  cursorOf: (last: T) => PageCursor,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return {
    items,
    nextCursor: rows.length > limit && last ? encodePageCursor(cursorOf(last)) : null,
  }
}
