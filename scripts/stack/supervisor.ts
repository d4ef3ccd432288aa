import { describeExit } from './child.ts'
import type { ExitInfo } from './child.ts'

/** What the supervisor needs of one run of a process; `Child` is one. */
export interface Run {
  readonly exited: Promise<ExitInfo>
  readonly running: boolean
  readonly tail: { last(n?: number): string[] }
  stop(graceMs: number): Promise<ExitInfo>
  kill(): void
}

/**
 * When a dead process is started again. A run that stays up `stableAfterMs` was healthy: its
 * death restarts it after `initialDelayMs`. Each death sooner than that doubles the delay (up
 * to `maxDelayMs`), and the `maxQuickExits`-th in a row gives up.
 */
export interface RestartPolicy {
  initialDelayMs: number
  maxDelayMs: number
  stableAfterMs: number
  maxQuickExits: number
}

/**
 * 0.5 s, 1, 2, 4, 8, 16, 30, 30 s: a service that keeps dying within 30 s of each start is
 * given up on at its 8th such death, after about a minute and a half of waiting.
 */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  stableAfterMs: 30_000,
  maxQuickExits: 8,
}

/** The wait before the next start, after `quickExits` deaths in a row that came too soon. */
export function restartDelay(policy: RestartPolicy, quickExits: number): number {
  return Math.min(policy.initialDelayMs * 2 ** quickExits, policy.maxDelayMs)
}

export interface GiveUp {
  name: string
  exit: ExitInfo
  quickExits: number
  /** The policy's `stableAfterMs`: each of those exits came sooner than that after its start. */
  withinMs: number
  /** What the last run wrote last. */
  tail: string[]
}

export interface SupervisorOptions<R extends Run> {
  name: string
  /** Starts one run; called at once and again for each restart. */
  start: () => R
  print: (line: string) => void
  policy?: Partial<RestartPolicy>
  /** The clock that says how long a run stayed up; for tests. */
  now?: () => number
}

/**
 * Keeps one process running: once `supervise()` is called, a run that exits is started again
 * after a backoff, saying so, until `stop()` or until it dies too often too soon (`gaveUp`).
 * Written by hand: the process managers that do this (pm2, forever) would each be a daemon of
 * their own between start.sh and the services.
 */
export class Supervisor<R extends Run> {
  /** Resolves if the process keeps dying (see RestartPolicy); never otherwise. */
  readonly gaveUp: Promise<GiveUp>
  private run: R
  private startedAt: number
  private restarts = 0
  private stopping = false
  private supervising = false
  private wake: (() => void) | undefined
  private giveUp!: (g: GiveUp) => void
  private readonly policy: RestartPolicy
  private readonly now: () => number

  constructor(private readonly opts: SupervisorOptions<R>) {
    this.policy = { ...DEFAULT_RESTART_POLICY, ...opts.policy }
    this.now = opts.now ?? Date.now
    this.gaveUp = new Promise((resolve) => (this.giveUp = resolve))
    this.run = opts.start()
    this.startedAt = this.now()
  }

  get name(): string {
    return this.opts.name
  }

  /** The run now, or the last one while a restart is pending. */
  get current(): R {
    return this.run
  }

  get running(): boolean {
    return this.run.running
  }

  /** From now on, a run that exits is restarted. */
  supervise(): void {
    if (this.supervising) return
    this.supervising = true
    void this.loop()
  }

  /** No more restarts; stops the current run (SIGTERM, SIGKILL after `graceMs`). */
  async stop(graceMs: number): Promise<ExitInfo | undefined> {
    this.stopping = true
    this.wake?.()
    if (!this.run.running) return undefined
    return this.run.stop(graceMs)
  }

  /** Synchronous last resort, for process exit. */
  kill(): void {
    this.stopping = true
    this.wake?.()
    this.run.kill()
  }

  private async loop(): Promise<void> {
    let quickExits = 0
    for (;;) {
      const exit = await this.run.exited
      if (this.stopping) return
      if (this.now() - this.startedAt >= this.policy.stableAfterMs) quickExits = 0
      else quickExits += 1
      if (quickExits >= this.policy.maxQuickExits) {
        const tail = this.run.tail.last(20)
        const withinMs = this.policy.stableAfterMs
        this.giveUp({ name: this.name, exit, quickExits, withinMs, tail })
        return
      }
      const delay = restartDelay(this.policy, quickExits)
      this.restarts += 1
      this.opts.print(
        `[start] ${this.name} exited with ${describeExit(exit)}; ` +
          `restarting in ${seconds(delay)} (restart ${this.restarts})`,
      )
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.wake = undefined
      if (this.stopping) return
      this.run = this.opts.start()
      this.startedAt = this.now()
    }
  }
}

/** `0.5 s`, `1 s`, `30 s` (`0.04 s` in tests). */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toPrecision(2))} s`
}
