import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

type Env = Record<string, string | undefined>

const DEMO_FILE = fileURLToPath(new URL('../../../.tessera/demo.json', import.meta.url))

/** `TESSERA_URL`, default the gateway of `npm start`. */
export const tesseraUrl = (env: Env) => env['TESSERA_URL']?.trim() || 'http://localhost:8080'

/**
 * `TESSERA_API_KEY`, else the demo org's admin key that `npm start` saved in
 * `.tessera/demo.json`.
 */
export function apiKey(env: Env): string {
  const fromEnv = env['TESSERA_API_KEY']?.trim()
  if (fromEnv) return fromEnv
  try {
    const saved = JSON.parse(readFileSync(DEMO_FILE, 'utf8')) as { apiKey?: unknown }
    if (typeof saved.apiKey === 'string') return saved.apiKey
  } catch {
    // no file: say what to set instead
  }
  throw new Error(
    'set TESSERA_API_KEY (an admin key of your org), or run `npm start` first: it saves the ' +
      'demo org key in .tessera/demo.json',
  )
}

/** A whole number from the environment, or the default. */
export function intFrom(env: Env, name: string, def: number): number {
  const raw = env[name]?.trim()
  if (!raw) return def
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}=${raw} is not a whole number`)
  return n
}

/** USDC as a decimal string → µUSDC. */
export function microFrom(env: Env, name: string, def: bigint): bigint {
  const raw = env[name]?.trim()
  if (!raw) return def
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(raw)
  if (!m) throw new Error(`${name}=${raw} is not USDC with at most 6 decimals`)
  return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'))
}
