// `matches` runs on re2js, the JavaScript port of RE2: matching time is linear in the input
// whatever the pattern, so no rule an org writes can stall a check. (V8's backtracking RegExp
// takes 0.8 s on `^(a+)+$` over 24 characters on this machine.) The dialect is RE2's: that of
// JavaScript without backreferences and lookaround, plus `(?i)` flags and `\p{…}` classes.
import { RE2JS } from 're2js'

/** Whether a pattern matches a string (any part of it for a regex, all of it for a glob). */
export type PatternMatcher = (input: string) => boolean

export class PatternSyntaxError extends Error {
  override readonly name = 'PatternSyntaxError'
}

/** A compiled regex and what it costs (see condition.budget.ts). */
export interface CompiledRegex {
  readonly matcher: PatternMatcher
  /** re2js program size: an NFA step per instruction per character at worst. */
  readonly instructions: number
  /** Character-class ranges in the program: `\p{L}` alone is about 680. */
  readonly classRanges: number
}

/** re2js 2.10's RE2JS is public; its RE2 (`re2Input`), program and lazy DFA are not. */
interface Re2Internals {
  re2Input?: {
    prog?: { numInst(): number; getInst(pc: number): { runes?: ArrayLike<number> } }
    dfa?: { stateBudget: number; memBudget: number }
  }
}

/** The DFA state cache re2js gives each regex unless told otherwise: 8 MiB. */
export const RE2JS_DEFAULT_DFA_BYTES = 8 * 1024 * 1024

/** Compiles a `matches` regex; `caseInsensitive` is the `i` flag (Unicode case folding). */
export function compileRegex(source: string, caseInsensitive: boolean): PatternMatcher {
  return compileRegexWithCost(source, caseInsensitive, RE2JS_DEFAULT_DFA_BYTES).matcher
}

/**
 * Compiles a regex, measures its program and caps its lazy DFA's state cache at `dfaBytes`
 * (re2js's own accounting of a state's size). RE2JS.compile takes no memory option, so the
 * cap is set on the DFA it would otherwise build, at full size, on the first match; the DFA
 * is built here, at compile time, so that work (proportional to the class ranges) is not paid
 * by the first check. When the cache fills, re2js clears it, and if that happens too often it
 * falls back to its NFA: slower, still linear, never more memory.
 */
export function compileRegexWithCost(
  source: string,
  caseInsensitive: boolean,
  dfaBytes: number,
): CompiledRegex {
  let re: RE2JS
  try {
    re = RE2JS.compile(source, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0)
  } catch (err) {
    throw new PatternSyntaxError(err instanceof Error ? err.message : String(err))
  }
  const { prog, dfa } = (re as unknown as Re2Internals).re2Input ?? {}
  if (!prog || !dfa || typeof dfa.memBudget !== 'number') {
    throw new Error('re2js internals changed: cannot measure a regex or cap its DFA')
  }
  dfa.stateBudget = dfaBytes
  dfa.memBudget = dfaBytes
  let classRanges = 0
  for (let pc = 0; pc < prog.numInst(); pc++)
    classRanges += (prog.getInst(pc).runes?.length ?? 0) / 2
  return {
    matcher: (input) => re.test(input),
    instructions: re.programSize(),
    classRanges: Math.ceil(classRanges),
  }
}
