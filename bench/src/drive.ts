import { performance } from 'node:perf_hooks'
import { percentile, round } from './cli.ts'

/**
 * `work(i)` from `concurrency` loops until `count` calls or `seconds` pass; the rate and the
 * latencies of what completed.
 */
export async function drive(
  opts: { count: number; seconds: number; concurrency: number },
  work: (i: number) => Promise<void>,
) {
  let next = 0
  const latencies: number[] = []
  const deadline = performance.now() + opts.seconds * 1000
  const started = performance.now()
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < opts.count && performance.now() < deadline) {
        const i = next++
        const t0 = performance.now()
        await work(i)
        latencies.push(performance.now() - t0)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return {
    count: latencies.length,
    seconds: round(seconds, 2),
    perSecond: round(latencies.length / seconds),
    latencyMs: {
      p50: round(percentile(latencies, 50), 2),
      p99: round(percentile(latencies, 99), 2),
    },
  }
}
