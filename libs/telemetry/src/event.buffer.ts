/**
 * A bounded FIFO queue that evicts its oldest item when full. It counts everything that ever
 * entered and left, so a caller can tell whether the items present at some moment are gone yet.
 */
export class EventBuffer<T> {
  private readonly slots: (T | undefined)[]
  private head = 0
  private pushed = 0
  private removed = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`)
    }
    this.slots = new Array<T | undefined>(capacity)
  }

  get size(): number {
    return this.pushed - this.removed
  }

  /** Items ever pushed. */
  get pushedTotal(): number {
    return this.pushed
  }

  /** Items ever taken or evicted. Both leave from the front: item `i` is gone once this is > i. */
  get removedTotal(): number {
    return this.removed
  }

  /** Appends an item; returns true when the oldest one had to be evicted to make room. */
  push(item: T): boolean {
    let evicted = false
    if (this.size === this.capacity) {
      this.slots[this.head] = undefined
      this.head = (this.head + 1) % this.capacity
      this.removed++
      evicted = true
    }
    this.slots[(this.head + this.size) % this.capacity] = item
    this.pushed++
    return evicted
  }

  /** Removes and returns up to `max` of the oldest items, oldest first. */
  take(max: number): T[] {
    const n = Math.min(max, this.size)
    const out: T[] = []
    for (let i = 0; i < n; i++) {
      const at = (this.head + i) % this.capacity
      out.push(this.slots[at] as T)
      this.slots[at] = undefined
    }
    this.head = (this.head + n) % this.capacity
    this.removed += n
    return out
  }
}
