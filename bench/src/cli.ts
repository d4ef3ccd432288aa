/**
 * What every end-to-end bench script shares: whole-number flags with env fallbacks and
 * `--help`, progress lines on stderr, a few number helpers, and the clean-up stack that runs
 * after an error and on SIGINT/SIGTERM.
 */

export const round = (n: number, digits = 0) => Number(n.toFixed(digits))
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function progress(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`)
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** Each key's share of `total`, largest first, to 3 digits. */
export function shares(counts: Map<string, number>, total: number): Record<string, number> {
  const sorted = [...counts].sort((a, b) => b[1] - a[1])
  return Object.fromEntries(sorted.map(([k, n]) => [k, round(n / Math.max(1, total), 3)]))
}

export interface OptionSpec {
  env: string
  def: number
  help: string
}

/**
 * `--name value` or `--name=value`, else the env variable, else the default; every value a
 * whole number ≥ 0. `--help` prints the table to stderr and exits.
 */
export function parseOptions<K extends string>(
  script: string,
  options: Record<K, OptionSpec>,
  argv: string[],
): Record<K, number> {
  const given = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') {
      const lines = Object.entries<OptionSpec>(options).map(
        ([k, o]) => `  --${k.padEnd(18)} ${String(o.def).padStart(7)}  ${o.help} (env ${o.env})`,
      )
      process.stderr.write(`usage: npx tsx ${script} [options]\n${lines.join('\n')}\n`)
      process.exit(0)
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    if (!m || !(m[1]! in options)) throw new Error(`unknown argument ${arg}; try --help`)
    given.set(m[1]!, m[2] ?? argv[++i] ?? '')
  }
  const out = {} as Record<K, number>
  for (const [key, o] of Object.entries<OptionSpec>(options) as [K, OptionSpec][]) {
    const raw = given.get(key) ?? process.env[o.env]
    const n = raw === undefined ? o.def : Number(raw.replace(/_/g, ''))
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${key} must be a whole number, got ${raw}`)
    out[key] = n
  }
  return out
}

const cleanups: (() => Promise<void>)[] = []

/** Runs at the end, after an error or on a signal; last registered, first run. */
export function onCleanUp(fn: () => Promise<void>): void {
  cleanups.push(fn)
}

export async function cleanUp(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    await fn().catch((err: unknown) => progress(`cleanup failed: ${String(err)}`))
  }
}

/** On SIGINT/SIGTERM: say `what` is being undone, undo it, exit 130. */
export function cleanUpOnSignals(what: string): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      progress(`${sig}: ${what}`)
      void cleanUp().finally(() => process.exit(130))
    })
  }
}
