import type { BusLogger } from './consumer.ts'
import { LeaderLock } from './leader-lock.ts'

export interface RelayLoopOptions {
  /** For the lock's own connection, which holds leadership for as long as it lives. */
  connectionString: string
  /** The advisory lock's key: one leader per key publishes. */
  lockKey: string
  applicationName: string
  /** Publishes the next batch and returns how many it published; runs only while leading. */
  publish: () => Promise<number>
  /** Leadership was lost, or a round failed: the next round starts from the stored checkpoint. */
  reset: () => void
  /** How often an idle leader looks for more; the bound on its publish latency. */
  idlePollMs?: number
  /**
   * A pause after a round that published (none by default): the next round then carries
   * what arrived meanwhile, for relays whose cost is per round rather than per item.
   */
  busyPollMs?: number
  /** How often a standby (another replica leads) tries to take over. */
  standbyPollMs?: number
  log: BusLogger
  what: string
}

export interface RelayLoop {
  /** One round, queued behind any in flight (rounds never overlap). */
  round(): Promise<number>
  stop(): Promise<void>
}

/**
 * The loop a relay runs: while it holds the leader lock, publish rounds back to back, polling
 * when there is nothing to publish; otherwise stand by. Rounds never overlap: the loop and
 * callers of `round` (a drain) share one queue, or both would publish the same batch and race
 * on the checkpoint.
 */
export async function startRelayLoop(opts: RelayLoopOptions): Promise<RelayLoop> {
  const lock = new LeaderLock(opts.connectionString, opts.lockKey, opts.applicationName)
  let stopped = false
  let wake: (() => void) | undefined
  let queue: Promise<unknown> = Promise.resolve()

  const round = (): Promise<number> => {
    const next = queue.then(async () => {
      if (await lock.held()) return opts.publish()
      opts.reset()
      return 0
    })
    queue = next.catch(() => undefined)
    return next
  }
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms)
      wake = () => {
        clearTimeout(t)
        resolve()
      }
    })

  // Contend for leadership now, so a lone relay publishes on its first round.
  await lock.held()
  const loop = (async () => {
    while (!stopped) {
      try {
        if ((await round()) > 0) {
          if (opts.busyPollMs) await sleep(opts.busyPollMs)
          continue
        }
      } catch (err) {
        opts.reset()
        opts.log.warn({ err }, `${opts.what} round failed; retrying`)
      }
      await sleep(lock.isLeader ? (opts.idlePollMs ?? 50) : (opts.standbyPollMs ?? 1000))
    }
  })()

  return {
    round,
    async stop() {
      stopped = true
      wake?.()
      await loop
      await lock.release()
    },
  }
}
