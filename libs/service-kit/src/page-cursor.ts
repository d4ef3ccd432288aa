import { ValidationFailed } from './errors.ts'

/** Where a newest-first page ended: the last item's time and id (the tie-breaker). */
export interface PageCursor {
  at: string
  id: string
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const ID = /^[a-z]{2,5}_[0-9a-z]{26}$/

export function encodePageCursor(c: PageCursor): string {
  return Buffer.from(`${c.at}|${c.id}`).toString('base64url')
}

/**
 * The cursor a page handed out; undefined for none, and a `VALIDATION_ERROR` naming `cursor`
 * for text this API did not hand out.
 */
export function decodePageCursor(text: string | undefined): PageCursor | undefined {
  if (text === undefined) return undefined
  const [at, id, ...rest] = Buffer.from(text, 'base64url').toString().split('|')
  if (
    !at ||
    !id ||
    rest.length > 0 ||
    !ISO_MS.test(at) ||
    Number.isNaN(Date.parse(at)) ||
    !ID.test(id)
  ) {
    throw ValidationFailed('request is invalid', {
      issues: [{ path: 'cursor', message: 'is not a cursor this API handed out' }],
    })
  }
  return { at, id }
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
