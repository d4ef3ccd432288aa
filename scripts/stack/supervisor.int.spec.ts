import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Child } from './child.ts'
import { type RestartPolicy, Supervisor } from './supervisor.ts'

// Real child processes: tiny node scripts that stay up, or exit with a code after a while.
let dir: string
/** Where `node --import tsx` finds tsx; the scripts themselves sit in a temporary directory. */
const ROOT = resolve(import.meta.dirname, '../..')
const running: Supervisor<Child>[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-supervisor-'))
  await writeFile(join(dir, 'stays-up.mjs'), `console.log('up'); setInterval(() => {}, 1000)\n`)
  // exits with code 1 the first `n` times it is started (counted in a file), then stays up
  await writeFile(
    join(dir, 'flaky.mjs'),
    `import { appendFileSync, readFileSync } from 'node:fs'
const [count, n] = [process.env.COUNT_FILE, Number(process.env.FAIL_TIMES)]
appendFileSync(count, 'x')
const starts = readFileSync(count, 'utf8').length
console.log('start ' + starts)
if (starts <= n) { console.error('boom ' + starts); setTimeout(() => process.exit(1), 50) }
else setInterval(() => {}, 1000)
`,
  )
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop(2000)))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const FAST: Partial<RestartPolicy> = { initialDelayMs: 20, maxDelayMs: 200, stableAfterMs: 60_000 }

function supervise(
  name: string,
  script: string,
  env: Record<string, string> = {},
  policy: Partial<RestartPolicy> = FAST,
) {
  const lines: string[] = []
  const s = new Supervisor({
    name,
    print: (line) => lines.push(line),
    policy,
    start: () =>
      new Child(
        { name, entry: join(dir, script), port: 0, url: 'http://127.0.0.1:1', env },
        {
          root: ROOT,
          logFile: join(dir, `${name}.log`),
          nameWidth: 8,
          print: (l) => lines.push(l),
        },
      ),
  })
  running.push(s)
  s.supervise()
  return { s, lines }
}

const until = async (what: string, ok: () => boolean) => {
  for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 50))
  if (!ok()) throw new Error(`timed out waiting for ${what}`)
}

describe('supervised services of scripts/start.sh', () => {
  it('restarts a service that dies, saying so, while the others keep running', async () => {
    const other = supervise('steady', 'stays-up.mjs')
    await until('steady to start', () => other.lines.some((l) => l.endsWith(' up')))
    const otherPid = other.s.current.pid
    const flaky = supervise('ingest', 'flaky.mjs', {
      COUNT_FILE: join(dir, 'ingest.count'),
      FAIL_TIMES: '2',
    })
    await until('the third start', () => flaky.lines.some((l) => l.endsWith('start 3')))
    expect(flaky.lines.filter((l) => l.startsWith('[start]'))).toEqual([
      '[start] ingest exited with code 1; restarting in 0.04 s (restart 1)',
      '[start] ingest exited with code 1; restarting in 0.08 s (restart 2)',
    ])
    expect(flaky.s.running).toBe(true)
    expect(other.s.running).toBe(true)
    expect(other.s.current.pid).toBe(otherPid)
    expect(other.lines.filter((l) => l.startsWith('[start]'))).toEqual([])
  })

  it('gives up after maxQuickExits deaths in a row, with its last lines', async () => {
    const { s, lines } = supervise(
      'jury',
      'flaky.mjs',
      { COUNT_FILE: join(dir, 'jury.count'), FAIL_TIMES: '100' },
      { ...FAST, maxQuickExits: 3 },
    )
    const gaveUp = await s.gaveUp
    expect(gaveUp).toMatchObject({ name: 'jury', exit: { code: 1 }, quickExits: 3 })
    // stdout and stderr are two pipes: their lines may arrive in either order
    expect([...gaveUp.tail].sort()).toEqual(['boom 3', 'start 3'])
    expect(lines.filter((l) => l.startsWith('[start]'))).toHaveLength(2)
    expect(s.running).toBe(false)
  })

  it('starts a dead service no more once stopped, even with a restart pending', async () => {
    const { s, lines } = supervise(
      'pacts',
      'flaky.mjs',
      { COUNT_FILE: join(dir, 'pacts.count'), FAIL_TIMES: '1' },
      { ...FAST, initialDelayMs: 1000, maxDelayMs: 2000 },
    )
    await until('the restart notice', () => lines.some((l) => l.includes('restarting in 2 s')))
    await s.stop(2000)
    await new Promise((r) => setTimeout(r, 3000))
    expect(lines.filter((l) => l.includes('start 2'))).toEqual([])
    expect(s.running).toBe(false)
  })
})
