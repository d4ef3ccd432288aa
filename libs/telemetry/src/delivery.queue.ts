import { deliverBatch } from './batch.delivery.ts'
import { EventBuffer } from './event.buffer.ts'
import type { ResolvedOptions } from './telemetry.options.ts'

export interface TelemetryStats {
  /** Buffered or in flight, not yet settled. */
  queued: number
  /** Accepted by the server. */
  sent: number
  /** Lost for good: invalid, overflowed, rejected, out of retries, or issued after close. */
  dropped: number
  /** Attempts beyond the first, over all batches. */
  retried: number
  /** Batches dropped whole (a permanent error, retries exhausted, or cut off by close). */
  failedBatches: number
}

interface InFlight {
  promise: Promise<void>
  size: number
  /** Sequence number of the batch's first event (see EventBuffer.removedTotal). */
  firstSeq: number
}

/**
 * Serialised events on their way to the server: buffered, cut into batches by size or by age,
 * and sent one batch at a time in the background.
 */
export class DeliveryQueue {
  /** Events as JSON texts: serialised once, so a retried batch is byte-for-byte the same. */
  private readonly buffer: EventBuffer<string>
  /** Aborted when the queue gives up on whatever is still unsent. */
  private readonly stop = new AbortController()
  private readonly counts = { sent: 0, dropped: 0, retried: 0, failedBatches: 0 }
  /** Partial batches go out while fewer than this many events have left the buffer. */
  private flushTarget = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private pumping: Promise<void> | undefined
  private current: InFlight | undefined
  private overflowing = false
  private abandoned = false

  constructor(private readonly opts: ResolvedOptions) {
    this.buffer = new EventBuffer(opts.maxBufferSize)
  }

  /** Buffers one serialised event; sends a batch once there is a full one. */
  add(json: string): void {
    if (this.stop.signal.aborted) {
      this.counts.dropped++
      return
    }
    if (this.buffer.push(json)) this.overflowed()
    if (this.buffer.size >= this.opts.maxBatchSize) this.pump()
    else this.armTimer()
  }

  /** Counts an event that never made it into the queue. */
  countDropped(): void {
    this.counts.dropped++
  }

  /** A snapshot of the counters. */
  stats(): TelemetryStats {
    const inFlight = this.abandoned ? 0 : (this.current?.size ?? 0)
    return { queued: this.buffer.size + inFlight, ...this.counts }
  }

  /** Sends everything buffered so far, retries included; resolves once it is settled. */
  async flush(): Promise<void> {
    const target = this.buffer.pushedTotal
    this.flushTarget = Math.max(this.flushTarget, target)
    // the retry timers are unref'd; an awaited flush must still keep the process alive
    const keepAlive = setInterval(() => {}, 60_000)
    try {
      while (!this.stop.signal.aborted) {
        const current = this.current
        const leftBuffer = this.buffer.removedTotal >= target
        if (leftBuffer && (!current || current.firstSeq >= target)) return
        this.pump()
        const wait = this.current?.promise ?? this.pumping
        if (!wait) return
        await wait
      }
    } finally {
      clearInterval(keepAlive)
    }
  }

  /** Stops for good; whatever is still unsent is counted as dropped and returned as a count. */
  shutdown(): number {
    this.stop.abort()
    clearTimeout(this.timer)
    if (this.abandoned) return 0
    this.abandoned = true
    const inFlight = this.current?.size ?? 0
    const lost = this.buffer.take(this.buffer.size).length + inFlight
    this.counts.dropped += lost
    if (inFlight > 0) this.counts.failedBatches++
    return lost
  }

  private overflowed(): void {
    this.counts.dropped++
    // one line per episode: a dead server would otherwise produce one per event
    if (this.overflowing) return
    this.overflowing = true
    this.opts.logger.warn(
      `telemetry: buffer full (${this.opts.maxBufferSize} events), dropping the oldest`,
      { droppedSoFar: this.counts.dropped },
    )
  }

  private armTimer(): void {
    if (this.timer || this.buffer.size === 0) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flushTarget = Math.max(this.flushTarget, this.buffer.pushedTotal)
      this.pump()
    }, this.opts.flushIntervalMs)
    // a telemetry timer alone must never keep the process alive
    this.timer.unref?.()
  }

  /** True when a full batch is waiting, or a flush still covers some buffered event. */
  private due(): boolean {
    const size = this.buffer.size
    const flushing = size > 0 && this.buffer.removedTotal < this.flushTarget
    return size >= this.opts.maxBatchSize || flushing
  }

  /** Starts the send loop unless it runs already. */
  private pump(): void {
    if (this.pumping || this.stop.signal.aborted) return
    this.pumping = this.drain()
      .catch((err: unknown) => {
        this.opts.logger.error('telemetry: send loop failed', { error: String(err) })
      })
      .finally(() => {
        this.pumping = undefined
        if (this.stop.signal.aborted) return
        // events may have come in between the loop's last check and now
        if (this.due()) this.pump()
        else this.armTimer()
      })
  }

  private async drain(): Promise<void> {
    while (this.due() && !this.stop.signal.aborted) {
      const firstSeq = this.buffer.removedTotal
      const events = this.buffer.take(this.opts.maxBatchSize)
      this.overflowing = false
      if (this.buffer.size === 0) {
        clearTimeout(this.timer)
        this.timer = undefined
      }
      const promise = this.deliver(events)
      this.current = { promise, size: events.length, firstSeq }
      try {
        await promise
      } finally {
        this.current = undefined
      }
    }
  }

  private async deliver(events: string[]): Promise<void> {
    const onRetry = (): void => {
      this.counts.retried++
    }
    const delivery = await deliverBatch(events, this.opts, this.stop.signal, onRetry)
    // shutdown() has counted this batch already
    if (this.abandoned) return
    const { batchId, attempts, result } = delivery
    const size = events.length
    const { logger } = this.opts
    switch (result.kind) {
      case 'accepted':
        this.counts.sent += size
        return
      case 'partial': {
        this.counts.sent += result.accepted
        this.counts.dropped += size - result.accepted
        const first = result.firstRejection ? { firstRejection: result.firstRejection } : {}
        logger.warn(`telemetry: server rejected ${result.rejected} of ${size} events`, {
          batchId,
          ...first,
        })
        return
      }
      case 'aborted':
        return
      case 'permanent':
      case 'retryable': {
        this.counts.dropped += size
        this.counts.failedBatches++
        const why =
          result.kind === 'permanent'
            ? result.reason
            : `${result.reason} after ${attempts} attempt${attempts === 1 ? '' : 's'}`
        logger.error(`telemetry: dropped a batch of ${size} events: ${why}`, { batchId })
        return
      }
    }
  }
}
