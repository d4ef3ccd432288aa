import type { JudgeBallot } from '@tessera/contracts'
import type { EvidencePackage } from '../domain/dispute/evidence.ts'
import { parseJudgeAnswer } from '../domain/dispute/prompt.ts'
import type { Judge, Prompt } from './judge.ts'

/** A raw answer is recorded up to this many characters. */
export const RAW_MAX_CHARS = 20_000

export interface Seat {
  /** `<config id>#<seat>`: one judge config may fill several seats. */
  judgeId: string
  judge: Judge
}

/** `n` seats filled from `judges` in turn. */
export function seat(judges: readonly Judge[], n: number): Seat[] {
  return Array.from({ length: n }, (_, i) => {
    const judge = judges[i % judges.length]!
    return { judgeId: `${judge.configId}#${i + 1}`, judge }
  })
}

export interface PanelOptions {
  timeoutMs: number
  /** Further tries after a failure or a malformed answer. */
  retries: number
}

/**
 * Asks every seat in parallel. A seat is tried up to `1 + retries` times, each with its own
 * timeout; a seat whose last try timed out, failed or answered malformed JSON is excluded, with
 * the reason and the raw answer recorded. Never throws: a panel always returns its ballots.
 */
export function sitPanel(
  seats: readonly Seat[],
  prompt: Prompt,
  evidence: EvidencePackage,
  opts: PanelOptions,
): Promise<JudgeBallot[]> {
  return Promise.all(seats.map((s) => ballotOf(s, prompt, evidence, opts)))
}

async function ballotOf(
  s: Seat,
  prompt: Prompt,
  evidence: EvidencePackage,
  opts: PanelOptions,
): Promise<JudgeBallot> {
  const started = performance.now()
  const base = { judgeId: s.judgeId, provider: s.judge.provider, model: s.judge.model }
  let raw: string | null = null
  let excluded: NonNullable<JudgeBallot['excluded']> = { reason: 'error', detail: 'not asked' }
  let attempts = 0
  for (let i = 0; i <= opts.retries; i++) {
    attempts++
    const signal = AbortSignal.timeout(opts.timeoutMs)
    try {
      raw = (await s.judge.ask(prompt, evidence, signal)).slice(0, RAW_MAX_CHARS)
    } catch (err) {
      raw = null
      excluded = signal.aborted
        ? { reason: 'timeout', detail: `no answer within ${opts.timeoutMs} ms` }
        : { reason: 'error', detail: errorText(err) }
      continue
    }
    const parsed = parseJudgeAnswer(raw)
    if (parsed.ok) {
      const ms = Math.round(performance.now() - started)
      return { ...base, raw, vote: parsed.vote, excluded: null, attempts, ms }
    }
    excluded = { reason: 'malformed', detail: parsed.detail }
  }
  const ms = Math.round(performance.now() - started)
  return { ...base, raw, vote: null, excluded, attempts, ms }
}

const errorText = (err: unknown) =>
  (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 2000)
