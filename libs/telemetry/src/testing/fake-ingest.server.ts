import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { validateTelemetryEvent } from '@tessera/contracts'
import type { TelemetryBatchResponse } from '@tessera/contracts'

/** How the fake answers one request; the default is to behave like the real ingest service. */
export type Fault =
  | 'ok'
  /** socket.destroy() without storing or answering */
  | 'destroy'
  /** store the batch, then destroy the socket: the client cannot know it got through */
  | 'store-then-destroy'
  /** store the batch, then answer only after `ms` */
  | { slowMs: number }
  | { status: number; headers?: Record<string, string>; body?: unknown }

export interface ReceivedRequest {
  /** performance.now() when the body had arrived */
  at: number
  batchId: string
  events: Record<string, unknown>[]
  authorization: string | undefined
  body: string
}

/**
 * A stand-in for `POST /v1/telemetry/batch` on a real socket: it dedupes by batchId as the
 * server does, validates events with the contract, and injects faults from a script.
 */
export class FakeIngest {
  readonly requests: ReceivedRequest[] = []
  /** Batches stored, by batchId, in the order first stored. */
  readonly stored = new Map<string, { body: string; events: Record<string, unknown>[] }>()
  private readonly script: Fault[] = []
  private gate: Promise<void> | undefined
  private openGate: (() => void) | undefined
  private active = 0
  /** The most requests ever being handled at once. */
  maxConcurrent = 0
  url = ''
  private readonly server = createServer((req, res) => void this.handle(req, res))

  /** Starts on 127.0.0.1 on a free port. */
  static async start(): Promise<FakeIngest> {
    const fake = new FakeIngest()
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve))
    const { port } = fake.server.address() as AddressInfo
    fake.url = `http://127.0.0.1:${port}`
    return fake
  }

  /** The next requests get these faults, in order; after them, 'ok'. */
  enqueue(...faults: Fault[]): void {
    this.script.push(...faults)
  }

  /** Holds every request (after it has been received) until the returned function is called. */
  block(): () => void {
    this.gate = new Promise((resolve) => (this.openGate = resolve))
    return () => this.release()
  }

  release(): void {
    this.openGate?.()
    this.gate = undefined
  }

  /** Requests received but not answered yet. */
  get inFlight(): number {
    return this.active
  }

  /** Every stored event, batch by batch, each once. */
  storedEvents(): Record<string, unknown>[] {
    return [...this.stored.values()].flatMap((b) => b.events)
  }

  async close(): Promise<void> {
    this.release()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.active++
    this.maxConcurrent = Math.max(this.maxConcurrent, this.active)
    try {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const body = Buffer.concat(chunks).toString('utf8')
      const parsed = JSON.parse(body) as { batchId: string; events: Record<string, unknown>[] }
      this.requests.push({
        at: performance.now(),
        batchId: parsed.batchId,
        events: parsed.events,
        authorization: req.headers.authorization,
        body,
      })
      const fault = this.script.shift() ?? 'ok'
      await this.gate
      if (fault === 'destroy') return void req.socket.destroy()
      if (typeof fault === 'object' && 'status' in fault) {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers })
        return void res.end(JSON.stringify(fault.body ?? { message: `injected ${fault.status}` }))
      }
      const [status, answer] = this.store(parsed.batchId, body, parsed.events)
      if (fault === 'store-then-destroy') return void req.socket.destroy()
      if (typeof fault === 'object') await new Promise((r) => setTimeout(r, fault.slowMs))
      if (res.destroyed) return
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(answer))
    } catch {
      req.socket.destroy()
    } finally {
      this.active--
    }
  }

  /** What the real service does with a batch: dedupe by batchId, validate each event. */
  private store(
    batchId: string,
    body: string,
    events: Record<string, unknown>[],
  ): [number, TelemetryBatchResponse | { message: string }] {
    const seen = this.stored.get(batchId)
    if (seen && seen.body !== body) return [409, { message: 'batchId reused with other content' }]
    const checks = events.map((e) => validateTelemetryEvent(e))
    const rejected = checks.flatMap((c, index) =>
      c.ok ? [] : [{ index, code: c.code, message: c.message }],
    )
    const accepted = events.filter((_e, i) => checks[i]?.ok)
    if (!seen && accepted.length > 0) this.stored.set(batchId, { body, events: accepted })
    const response: TelemetryBatchResponse = {
      batchId,
      status: rejected.length === 0 ? 'accepted' : accepted.length > 0 ? 'partial' : 'rejected',
      acceptedCount: accepted.length,
      rejectedCount: rejected.length,
      rejected,
      eventIds: accepted.map(() => randomUUID()),
    }
    const status = rejected.length === 0 ? 200 : accepted.length > 0 ? 207 : 400
    return [status, response]
  }
}

/** Polls until `check` holds; fails after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = performance.now()
  while (!check()) {
    if (performance.now() - started > timeoutMs) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

export interface LogLine {
  level: 'warn' | 'error'
  message: string
  details?: Record<string, unknown>
}

/** A logger that keeps its lines for the test to read. */
export function memoryLogger(): {
  lines: LogLine[]
  warn: (message: string, details?: Record<string, unknown>) => void
  error: (message: string, details?: Record<string, unknown>) => void
} {
  const lines: LogLine[] = []
  const add = (level: LogLine['level']) => (message: string, details?: Record<string, unknown>) =>
    void lines.push({ level, message, ...(details ? { details } : {}) })
  return { lines, warn: add('warn'), error: add('error') }
}
