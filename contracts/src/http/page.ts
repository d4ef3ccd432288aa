/** A page of a list; newest first, and `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/** The paging half of a list request. */
export interface PageRequest {
  /** 1 to 100 on most lists (500 on the decision log); guardian's default is 50. */
  limit?: number
  /** `nextCursor` of the previous page. */
  cursor?: string
}
