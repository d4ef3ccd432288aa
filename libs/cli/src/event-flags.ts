import { CliError } from './cli-error.ts'

/** The event flags of `events send`, as commander hands them over: raw strings. */
export interface EventFlags {
  agent?: string
  bid?: string
  time?: string
  user?: string
  mult?: string
  data?: string[]
  dataBase64?: string
}

/** The flags that make one event, by commander's attribute names. */
export const EVENT_FLAGS = ['agent', 'bid', 'time', 'user', 'mult', 'data', 'dataBase64'] as const

export function hasEventFlags(flags: EventFlags): boolean {
  return EVENT_FLAGS.some((name) => flags[name] !== undefined)
}

/**
 * Builds one event from flags. Nothing is validated here beyond the flag syntax: a value that
 * is not an integer is kept as typed, so `validateArdenEvent` (dry run) or the server reports
 * it exactly as it would for any other client.
 */
export function buildEvent(flags: EventFlags, now: number): Record<string, unknown> {
  if (flags.data !== undefined && flags.dataBase64 !== undefined) {
    throw new CliError('use --data or --data-base64, not both')
  }
  const event: Record<string, unknown> = {}
  if (flags.agent !== undefined) event['agent'] = flags.agent
  if (flags.user !== undefined) event['user'] = flags.user
  // bid stays absent unless given: the server's default (0) applies, not ours
  if (flags.bid !== undefined) event['bid'] = integerOrRaw(flags.bid)
  event['time'] = flags.time === undefined ? now : integerOrRaw(flags.time)
  if (flags.mult !== undefined) event['mult'] = integerOrRaw(flags.mult)
  if (flags.data !== undefined) event['data'] = parseDataPairs(flags.data)
  if (flags.dataBase64 !== undefined) event['data'] = flags.dataBase64
  return event
}

/** `--bid 1000` → 1000; `--bid 1.5` or `--bid ten` → the string, for validation to reject. */
export function integerOrRaw(raw: string): number | string {
  if (!/^-?\d+$/.test(raw)) return raw
  const n = Number(raw)
  return Number.isSafeInteger(n) ? n : raw
}

/**
 * `key=value` pairs → a flat object. A value that is a canonical integer literal becomes a
 * number; anything else, `007` and integers beyond 2^53 included, stays a string so that no
 * digits are lost on the way. The last of repeated keys wins, as with most CLIs.
 */
export function parseDataPairs(pairs: readonly string[]): Record<string, string | number> {
  const data = new Map<string, string | number>()
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new CliError(`--data expects key=value, got '${pair}'`)
    data.set(pair.slice(0, eq), dataValue(pair.slice(eq + 1)))
  }
  // fromEntries defines own properties, so a key like `__proto__` is data, not a prototype
  return Object.fromEntries(data)
}

function dataValue(value: string): string | number {
  if (!/^-?(?:0|[1-9]\d*)$/.test(value)) return value
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : value
}
