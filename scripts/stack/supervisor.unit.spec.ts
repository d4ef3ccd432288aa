import { describe, expect, it } from 'vitest'
import { DEFAULT_RESTART_POLICY, type Run, Supervisor, restartDelay } from './supervisor.ts'

/** A run the test ends when it wants, as if the process died after `now` moved on. */
function fakeRuns() {
  const runs: (Run & { exit(code: number): void })[] = []
  const start = () => {
    let exit!: (code: number) => void
    const n = runs.length + 1
    const run = {
      running: true,
      tail: { last: () => [`run ${n} said goodbye`] },
      exited: new Promise<{ code: number; signal: null }>((resolve) => {
        exit = (code) => {
          run.running = false
          resolve({ code, signal: null })
        }
      }),
      exit: (code: number) => exit(code),
      stop: () => {
        exit(0)
        return run.exited
      },
      kill: () => exit(137),
    }
    runs.push(run)
    return run
  }
  return { runs, start }
}

const until = async (what: string, ok: () => boolean) => {
  for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!ok()) throw new Error(`timed out waiting for ${what}`)
}

describe('restart backoff', () => {
  it('doubles from 0.5 s up to 30 s', () => {
    const delays = Array.from({ length: 8 }, (_, n) => restartDelay(DEFAULT_RESTART_POLICY, n))
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000])
  })
})

describe('a supervised process', () => {
  const policy = { initialDelayMs: 1, maxDelayMs: 1000, stableAfterMs: 100, maxQuickExits: 3 }

  function supervised() {
    let now = 0
    const fake = fakeRuns()
    const lines: string[] = []
    const s = new Supervisor({
      name: 'scoring',
      now: () => now,
      print: (l) => lines.push(l),
      policy,
      start: fake.start,
    })
    /** The current run dies `afterMs` after it started; resolves once it was started again. */
    const die = async (afterMs: number, code = 1) => {
      const before = fake.runs.length
      now += afterMs
      fake.runs.at(-1)!.exit(code)
      await until('a restart', () => fake.runs.length > before)
    }
    return { s, runs: fake.runs, lines, die, advance: (ms: number) => (now += ms) }
  }

  it('is not restarted before supervise(): a death while starting is the caller’s to report', async () => {
    const { s, runs } = supervised()
    runs[0]!.exit(1)
    await new Promise((r) => setTimeout(r, 20))
    expect(runs).toHaveLength(1)
    expect(s.running).toBe(false)
  })

  it('is restarted with a doubling delay, saying so, and the count starts over after a run that stayed up', async () => {
    const { s, lines, die, advance, runs } = supervised()
    s.supervise()
    await die(10) // quick: 1 of 3
    await die(10, 2) // quick: 2 of 3
    await die(500) // stayed up: the count and the delay start over
    await die(10)
    await die(10)
    expect(lines).toEqual([
      '[start] scoring exited with code 1; restarting in 0.002 s (restart 1)',
      '[start] scoring exited with code 2; restarting in 0.004 s (restart 2)',
      '[start] scoring exited with code 1; restarting in 0.001 s (restart 3)',
      '[start] scoring exited with code 1; restarting in 0.002 s (restart 4)',
      '[start] scoring exited with code 1; restarting in 0.004 s (restart 5)',
    ])
    advance(10)
    runs.at(-1)!.exit(1) // the third quick death in a row
    expect(await s.gaveUp).toEqual({
      name: 'scoring',
      exit: { code: 1, signal: null },
      quickExits: 3,
      withinMs: 100,
      tail: ['run 6 said goodbye'],
    })
    expect(runs).toHaveLength(6)
  })

  it('is not restarted once stopped', async () => {
    const { s, runs, lines } = supervised()
    s.supervise()
    await s.stop(1000)
    await new Promise((r) => setTimeout(r, 20))
    expect(runs).toHaveLength(1)
    expect(lines).toEqual([])
  })
})
