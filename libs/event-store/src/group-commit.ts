/**
 * Thrown by a group's `commit` when the failure belongs to the group, not to one of its items:
 * COMMIT itself failed or the connection broke mid-write (it may have committed after all, so a
 * retry could write twice), or the database is out of reach. Every item then fails with `cause`
 * and none is retried alone.
 */
export class GroupFailure extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause })
    this.name = 'GroupFailure'
  }
}

export interface GroupCommitOptions<T, R> {
  /**
   * Writes the items in one transaction and answers one result per item, in their order. A
   * throw other than {@link GroupFailure} means nothing was written: each item is then retried
   * in a group of its own, so one refused item fails alone.
   */
  commit(items: T[]): Promise<R[]>
  /** Groups writing at once; while they run, new submissions queue up and share the next one. */
  maxInFlight?: number
  /** How much one group holds at most, in `size` units (an item larger than that goes alone). */
  maxGroupSize?: number
  /** An item's share of `maxGroupSize`; 1 unless given (e.g. the records it carries). */
  size?: (item: T) => number
}

interface Waiting<T, R> {
  item: T
  resolve(result: R): void
  reject(err: unknown): void
}

/**
 * Group commit: every submission waits for a write that also carries the submissions of other
 * concurrent requests, so one statement and one fsync serve many of them. A submission
 * resolves only after its group committed, which is when a service may answer 2xx. Written by
 * hand: the libraries that batch calls (dataloader and kin) neither wait for a commit nor retry
 * a failed batch item by item.
 */
export class GroupCommitQueue<T, R = void> {
  private queue: Waiting<T, R>[] = []
  private inFlight = 0
  private scheduled = false
  private idleWaiters: (() => void)[] = []
  private readonly maxInFlight: number
  private readonly maxGroupSize: number
  private readonly size: (item: T) => number

  constructor(private readonly opts: GroupCommitOptions<T, R>) {
    this.maxInFlight = opts.maxInFlight ?? 1
    this.maxGroupSize = opts.maxGroupSize ?? 500
    this.size = opts.size ?? (() => 1)
  }

  /** Resolves with the item's result once its group has committed. */
  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject })
      this.schedule()
    })
  }

  /** Resolves once nothing is queued or writing: for shutdown, after the last submission. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0
  }

  private schedule() {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return
    this.scheduled = true
    // setImmediate: submissions made in the same turn of the event loop join this group.
    setImmediate(() => {
      this.scheduled = false
      if (this.inFlight >= this.maxInFlight) return
      const group = this.take()
      if (group.length === 0) return
      this.inFlight++
      void this.run(group).finally(() => {
        this.inFlight--
        if (this.isIdle()) for (const wake of this.idleWaiters.splice(0)) wake()
        this.schedule()
      })
      this.schedule()
    })
  }

  private take(): Waiting<T, R>[] {
    let n = 0
    let total = 0
    while (n < this.queue.length) {
      const next = this.size(this.queue[n]!.item)
      if (n > 0 && total + next > this.maxGroupSize) break
      total += next
      n++
    }
    return this.queue.splice(0, n)
  }

  private async run(group: Waiting<T, R>[]): Promise<void> {
    let results: R[]
    try {
      results = await this.opts.commit(group.map((w) => w.item))
    } catch (err) {
      // One item's refused row must not fail the others it shared the group with.
      if (group.length > 1 && !(err instanceof GroupFailure)) {
        for (const w of group) await this.run([w])
      } else {
        const cause = err instanceof GroupFailure ? err.cause : err
        for (const w of group) w.reject(cause)
      }
      return
    }
    if (results.length !== group.length) {
      const err = new Error(`commit answered ${results.length} results for ${group.length} items`)
      for (const w of group) w.reject(err)
      return
    }
    group.forEach((w, i) => w.resolve(results[i] as R))
  }
}
