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

/** Compiles a `matches` regex; `caseInsensitive` is the `i` flag (Unicode case folding). */
export function compileRegex(source: string, caseInsensitive: boolean): PatternMatcher {
  let re: RE2JS
  try {
    re = RE2JS.compile(source, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0)
  } catch (err) {
    throw new PatternSyntaxError(err instanceof Error ? err.message : String(err))
  }
  return (input) => re.test(input)
}
