/** The part of autocannon 9's programmatic API the benches use (it ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  interface Options {
    url: string
    method?: string
    headers?: Record<string, string>
    body?: string | Buffer
    connections?: number
    pipelining?: number
    /** Seconds. */
    duration?: number
    /** Seconds without a response before a request counts as a timeout. */
    timeout?: number
    /** Called with every response body; false counts a mismatch. */
    verifyBody?: (body: string) => boolean
  }

  interface Result {
    /** Seconds, to 10 ms. */
    duration: number
    errors: number
    timeouts: number
    mismatches: number
    non2xx: number
    '2xx': number
    statusCodeStats: Record<string, { count: number }>
    requests: { sent: number; total: number; average: number }
    /** Milliseconds, whole numbers: p50, p99, p99_9, … */
    latency: Record<string, number>
  }

  interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void
    /** `responseTime` is in milliseconds, measured from when the request was written. */
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void,
    ): this
    on(event: 'reqMismatch', listener: (body: string) => void): this
    on(event: 'reqError', listener: (err: Error) => void): this
  }

  function autocannon(opts: Options): Instance
  export default autocannon
}
