import type { ChildProcess } from 'node:child_process'

/**
 * Should the test process die outright, the detached child it started (with its process group:
 * `tsx` runs the service as a grandchild) must not outlive it. Give it a getter, since the child
 * changes as a crash test restarts it. A child killed by a signal has a null exitCode too, and
 * its group may be gone: `process.kill` then throws ESRCH, and thrown from an exit handler it is
 * an uncaught exception that fails the whole run (it did, once, in a full int run).
 */
export function killGroupOnExit(current: () => ChildProcess | undefined): void {
  process.once('exit', () => {
    const child = current()
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  })
}
