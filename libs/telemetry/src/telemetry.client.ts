import type { TelemetryEvent } from '@tessera/contracts'
import type { TelemetryStats } from './delivery.queue.ts'
import { DeliveryQueue } from './delivery.queue.ts'
import type {
  ResponseInput,
  SessionEndInput,
  SessionStartInput,
  ToolCallInput,
} from './event.builders.ts'
import {
  buildResponse,
  buildSessionEnd,
  buildSessionStart,
  buildToolCall,
  serializeEvent,
} from './event.builders.ts'
import type { ResolvedOptions, TelemetryOptions } from './telemetry.options.ts'
import { resolveOptions } from './telemetry.options.ts'
import type { InstrumentToolSpec } from './tool.instrument.ts'
import { instrument } from './tool.instrument.ts'

/**
 * The Tessera telemetry client. Event methods only validate and buffer, so they never wait on
 * the network nor throw; batches go out in the background, one request at a time.
 */
export class Telemetry {
  private readonly opts: ResolvedOptions
  private readonly queue: DeliveryQueue
  private closing: Promise<void> | undefined
  private warnedClosed = false

  /** Throws only on bad options (no apiKey, a nonsensical number), never later. */
  constructor(options: TelemetryOptions) {
    this.opts = resolveOptions(options)
    this.queue = new DeliveryQueue(this.opts)
  }

  /** Records the start of an agent session; `startedAt` defaults to now. */
  sessionStart(input: SessionStartInput): void {
    this.record('sessionStart', () => buildSessionStart(input))
  }

  /** Records the end of an agent session; `endedAt` defaults to now. */
  sessionEnd(input: SessionEndInput): void {
    this.record('sessionEnd', () => buildSessionEnd(input))
  }

  /** Records one tool call; `attemptedAt` defaults to now. */
  toolCall(input: ToolCallInput): void {
    this.record('toolCall', () => buildToolCall(input))
  }

  /** Records one agent response; `respondedAt` defaults to now. */
  response(input: ResponseInput): void {
    this.record('response', () => buildResponse(input))
  }

  /** Wraps a tool so every call is recorded as a `tool_call`; results and errors pass through. */
  instrumentTool<A extends unknown[], R>(
    spec: InstrumentToolSpec<A, R>,
  ): (...args: A) => Promise<Awaited<R>> {
    return instrument(spec, (call) => this.toolCall(call))
  }

  /** A snapshot of the client's counters. */
  stats(): TelemetryStats {
    return this.queue.stats()
  }

  /** Sends everything issued so far, waiting out retries; never rejects. */
  async flush(): Promise<void> {
    try {
      await this.queue.flush()
    } catch (err) {
      this.opts.logger.error('telemetry: flush failed', { error: String(err) })
    }
  }

  /** Flushes for up to `closeTimeoutMs`, then stops for good; never rejects. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    const { closeTimeoutMs, logger } = this.opts
    let deadline: ReturnType<typeof setTimeout> | undefined
    // ref'd on purpose: `await tel.close()` at the end of a script must not let it exit early
    const timedOut = new Promise<void>((resolve) => {
      deadline = setTimeout(resolve, closeTimeoutMs)
    })
    try {
      await Promise.race([this.queue.flush(), timedOut])
    } catch (err) {
      logger.error('telemetry: flush on close failed', { error: String(err) })
    } finally {
      clearTimeout(deadline)
      const lost = this.queue.shutdown()
      if (lost > 0) {
        logger.error(`telemetry: close gave up after ${closeTimeoutMs} ms`, { droppedEvents: lost })
      }
    }
  }

  private record(method: string, build: () => TelemetryEvent): void {
    try {
      if (this.closing) {
        this.queue.countDropped()
        // once: a caller that keeps going after close would otherwise flood the log
        if (!this.warnedClosed) {
          this.warnedClosed = true
          this.opts.logger.warn(`telemetry: ${method}() after close(); such events are dropped`)
        }
        return
      }
      this.queue.add(serializeEvent(build()))
    } catch (err) {
      this.queue.countDropped()
      const reason = err instanceof Error ? err.message : String(err)
      this.opts.logger.warn(`telemetry: ${method}() ignored: ${reason}`)
    }
  }
}
