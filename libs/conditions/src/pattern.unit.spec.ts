import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileGlob } from './pattern.glob.ts'
import { PatternSyntaxError, compileRegex } from './pattern.regex.ts'

const regex = (source: string, caseInsensitive = false) => compileRegex(source, caseInsensitive)

/** Patterns valid both in RE2 and in JavaScript with the `u` flag. */
const SHARED = [
  'abc',
  '^ab',
  'b$',
  '^$',
  '',
  'a|b|^c$',
  'a*b',
  '(a|ab)(c|bcd)(d*)',
  '^(a+)+$',
  '(?:ab){2,3}',
  'a{0,2}b{1,}',
  '[a-c]+_?[^0-9]',
  '^.$',
  '\\d+\\.\\d{2}',
  '\\bab\\b',
  'a\\B',
  '\\s\\S\\w\\W\\D',
  '(?<name>a|b)c',
  'x??y*?z+?',
  '\\x61',
  '\\^\\$\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/',
]

describe('the matches dialect (re2js)', () => {
  it('answers as JavaScript RegExp (u flag) on the patterns both accept', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', 'd', '_', '0', '1', '.', ' ', '😀', '^', '$')
    for (const source of SHARED) {
      const ours = regex(source)
      const theirs = new RegExp(source, 'u')
      fc.assert(
        fc.property(fc.array(alphabet, { maxLength: 12 }), (chars) => {
          const input = chars.join('')
          expect(ours(input), `/${source}/ on ${JSON.stringify(input)}`).toBe(theirs.test(input))
        }),
        { numRuns: 300 },
      )
    }
  })

  it('reads a character above U+FFFF as one character', () => {
    expect(regex('^.$')('😀')).toBe(true)
    expect(regex('^..$')('😀')).toBe(false)
  })

  it('folds case under i, and keeps a negated class negated', () => {
    expect(regex('drop\\s+table', true)('DROP  Table users')).toBe(true)
    expect(regex('[a-c]', true)('B')).toBe(true)
    expect(regex('^[^a]$', true)('A')).toBe(false)
    expect(regex('drop')('DROP')).toBe(false)
  })

  it.each([
    ['(a)\\1', 'invalid escape sequence'],
    ['a(?=b)', 'invalid or unsupported Perl syntax'],
    ['(?<!a)b', 'invalid named capture'],
    ['(a', 'missing closing )'],
    ['a)', 'unexpected )'],
    ['[a', 'missing closing ]'],
    ['*a', 'missing argument to repetition operator'],
    ['a{3,2}', 'invalid repeat count'],
    ['[z-a]', 'invalid character class range'],
    ['a\\', 'trailing backslash'],
  ])('rejects %j: %s', (source, problem) => {
    expect(() => regex(source)).toThrow(PatternSyntaxError)
    expect(() => regex(source)).toThrow(problem)
  })

  it('takes linear time on patterns that make a backtracking engine take seconds', () => {
    const long = 'a'.repeat(4_095) + '!'
    for (const source of ['^(a+)+$', '(a|a)*b', '.*.*.*.*x', '^(a*)*$', '(\\w+\\s?)+$']) {
      const match = regex(source)
      const started = performance.now()
      expect(match(long)).toBe(false)
      expect(performance.now() - started, source).toBeLessThan(200)
    }
  })
})

describe('glob', () => {
  it.each([
    ['db_*', 'db_', true],
    ['db_*', 'db_drop_table', true],
    ['db_*', 'xdb_a', false],
    ['db_*', 'DB_A', false],
    ['*', '', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'aXbYc!', false],
    ['?', '😀', true],
    ['??', '😀', false],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file.txt', false],
    ['a.b', 'axb', false],
    ['(x)+[ab]{1}^$|', '(x)+[ab]{1}^$|', true],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['a\\?', 'a?', true],
    ['a\\\\b', 'a\\b', true],
    ['**a', 'xa', true],
  ])('%j on %j: %s', (pattern, input, expected) => {
    expect(compileGlob(pattern)(input)).toBe(expected)
  })

  it('rejects a trailing lone backslash', () => {
    expect(() => compileGlob('abc\\')).toThrow('cannot end with a lone \\')
  })

  it('agrees with its meaning as an anchored regex', () => {
    const toRegex = (glob: string) =>
      new RegExp(
        `^${[...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c)).join('')}$`,
        'su',
      )
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', '*', '?'), { maxLength: 6 }),
        fc.array(fc.constantFrom('a', 'b', '😀'), { maxLength: 8 }),
        (glob, input) => {
          const pattern = glob.join('')
          expect(compileGlob(pattern)(input.join(''))).toBe(toRegex(pattern).test(input.join('')))
        },
      ),
    )
  })

  it('stays fast on a worst-case pattern', () => {
    const match = compileGlob('*a'.repeat(127) + 'b')
    const started = performance.now()
    expect(match('a'.repeat(4_096))).toBe(false)
    expect(performance.now() - started).toBeLessThan(200)
  })
})
