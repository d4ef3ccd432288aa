// Glob matching (`*` any run of characters, `?` exactly one, `\` escapes the next), by hand: the
// classic wildcard loop is a dozen lines, allocates nothing, and only ever backtracks to the last
// `*`, so a test costs at most (the longest run after a `*` + 1) × the string's length
// (globStepsPerCharacter; 4 ms for `*aaa…ab` at the caps, microseconds for `db_*`).
import { type PatternMatcher, PatternSyntaxError } from './pattern.regex.ts'

const STAR = -1
const ONE = -2
const END = -3 // past the last token

/** Compiles a glob matching the whole string, case-sensitively, by code points. */
export function compileGlob(pattern: string): PatternMatcher {
  const glob = globTokens(pattern)
  return (input) => matchGlob(glob, input)
}

/**
 * Steps of a test per character of the string, at worst: each time the last `*` takes one more
 * character, the run of tokens after it is matched again, until the next `*` commits. Before
 * any `*` the string is read once. So 0 for `db_*` or `a?c` (a step per token then), 7 for
 * `*_delete`, 256 for `*aaa…ab`.
 */
export function globStepsPerCharacter(pattern: string): number {
  let longest = 0
  let run = -1 // tokens since the last *, -1 before any
  for (const token of globTokens(pattern)) {
    if (token === STAR) run = 0
    else if (run >= 0) longest = Math.max(longest, ++run)
  }
  return run < 0 ? 0 : longest + 1
}

function globTokens(pattern: string): Int32Array {
  const tokens: number[] = []
  const chars = Array.from(pattern)
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!
    if (ch === '*') {
      if (tokens.at(-1) !== STAR) tokens.push(STAR) // ** is *
    } else if (ch === '?') tokens.push(ONE)
    else {
      const literal = ch === '\\' ? chars[++i] : ch
      if (literal === undefined) throw new PatternSyntaxError('a glob cannot end with a lone \\')
      tokens.push(literal.codePointAt(0)!)
    }
  }
  return Int32Array.from(tokens)
}

function matchGlob(glob: Int32Array, input: string): boolean {
  const length = input.length
  let g = 0 // next glob token
  let i = 0 // next input position (UTF-16 index of a code point)
  let star = -1 // glob index just after the last * met, -1 before any
  let resume = 0 // input position that * has absorbed up to
  while (i < length) {
    const codePoint = input.codePointAt(i)!
    const token = g < glob.length ? glob[g]! : END
    if (token === ONE || token === codePoint) {
      g++
      i += codePoint > 0xffff ? 2 : 1
    } else if (token === STAR) {
      star = ++g
      resume = i
    } else if (star >= 0) {
      // let the last * take one more character and retry what follows it
      g = star
      resume += input.codePointAt(resume)! > 0xffff ? 2 : 1
      i = resume
    } else return false
  }
  while (g < glob.length && glob[g] === STAR) g++
  return g === glob.length
}
