import { describeExit } from './child.ts'
import type { Child } from './child.ts'

/** A start-up failure whose message is the whole story: what, which process, its last words. */
export class StartError extends Error {}

interface Probe {
  child: Child
  readyAfterMs?: number
  announced: boolean
  /** What its /health/ready said last: `503 {"postgres":"down"}`, or why it said nothing. */
  last: string
}

export interface WaitOptions {
  timeoutMs: number
  print: (line: string) => void
  intervalMs?: number
  /** How often to say who is still being waited for. */
  progressEveryMs?: number
}

/**
 * Polls every child's `/health/ready` until each answers 200. Fails at once when a child
 * exits, and at the deadline naming those not ready, with what they answered and logged.
 */
export async function waitUntilReady(children: readonly Child[], opts: WaitOptions): Promise<void> {
  const started = Date.now()
  const probes: Probe[] = children.map((child) => ({
    child,
    announced: false,
    last: 'no answer yet',
  }))
  const interval = opts.intervalMs ?? 500
  const progressEvery = opts.progressEveryMs ?? 10_000
  let nextProgress = started + progressEvery
  let announced = 0

  const exited = Promise.race(children.map(async (child) => ({ child, info: await child.exited })))
  let crash: { child: Child; info: Awaited<Child['exited']> } | undefined
  void exited.then((c) => (crash = c))

  for (;;) {
    await Promise.all(probes.filter((p) => p.readyAfterMs === undefined).map((p) => poll(p)))
    if (crash) {
      const { child, info } = crash
      throw new StartError(
        `${child.name} exited with ${describeExit(info)} before it was ready.\n` + tailOf(child),
      )
    }
    const elapsed = Date.now() - started
    for (const p of probes) {
      if (p.readyAfterMs !== undefined && !p.announced) {
        p.announced = true
        announced += 1
        opts.print(
          `[start] ${p.child.name} is ready after ${seconds(p.readyAfterMs)} (${announced}/${probes.length})`,
        )
      }
    }
    const waiting = probes.filter((p) => p.readyAfterMs === undefined)
    if (waiting.length === 0) return
    if (elapsed > opts.timeoutMs) {
      throw new StartError(
        `timed out after ${seconds(opts.timeoutMs)} waiting for ${names(waiting)} to be ready ` +
          `(set TESSERA_READY_TIMEOUT_S to wait longer).\n` +
          waiting
            .map((p) => `${p.child.name}: /health/ready said ${p.last}\n${tailOf(p.child)}`)
            .join('\n'),
      )
    }
    if (Date.now() >= nextProgress) {
      nextProgress += progressEvery
      const detail = waiting.map((p) => `${p.child.name} (${p.last})`).join(', ')
      opts.print(
        `[start] ${seconds(elapsed)} of ${seconds(opts.timeoutMs)}: still waiting for ${detail}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, interval))
  }

  async function poll(p: Probe): Promise<void> {
    try {
      const res = await fetch(`${p.child.spec.url}/health/ready`, {
        signal: AbortSignal.timeout(2000),
      })
      const body = await res.text()
      if (res.status === 200) {
        p.readyAfterMs = Date.now() - started
      } else {
        p.last = `${res.status} ${summarise(body)}`.trim()
      }
    } catch (err) {
      p.last =
        err instanceof Error && err.name === 'TimeoutError'
          ? 'no answer in 2 s'
          : 'not listening yet'
    }
  }
}

/**
 * A readiness body in a line. The gateway's lists every service; only the ones holding it
 * back are news.
 */
export function summarise(body: string): string {
  try {
    const parsed = JSON.parse(body) as { services?: Record<string, { status?: string }> }
    if (parsed.services && typeof parsed.services === 'object') {
      const waiting = Object.entries(parsed.services)
        .filter(([, s]) => s.status !== 'ready')
        .map(([name, s]) => `${name} ${s.status ?? '?'}`)
      return `(services not ready: ${waiting.join(', ') || 'none'})`
    }
  } catch {
    // not JSON: shown as it is
  }
  return body.replace(/\s+/g, ' ').slice(0, 300)
}

function tailOf(child: Child): string {
  const lines = child.tail.last(30)
  if (lines.length === 0) return `  (${child.name} wrote nothing)`
  return [
    `  last ${lines.length} lines of ${child.name}'s output:`,
    ...lines.map((l) => `    ${l}`),
  ].join('\n')
}

function names(probes: readonly Probe[]): string {
  return probes.map((p) => p.child.name).join(', ')
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
