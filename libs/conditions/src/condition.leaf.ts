import { MAX_TESTED_LENGTH } from '@tessera/contracts'
import type { LeafCondition } from '@tessera/contracts'
import { type CostMeter, REGEX_STEP_COST } from './condition.budget.ts'
import { InvalidConditionError } from './condition.errors.ts'
import { type PatternMatcher, PatternSyntaxError, compileRegexWithCost } from './pattern.regex.ts'
import { compileGlob, globStepsPerCharacter } from './pattern.glob.ts'

/** A leaf's test of a value that is present; a missing value is decided before it is called. */
type Predicate = (value: unknown) => boolean

/**
 * Builds a leaf's predicate once, charging what it costs to `meter` before the costly part;
 * `at` locates the leaf in the condition for errors.
 */
export function leafPredicate(leaf: LeafCondition, at: string, meter: CostMeter): Predicate {
  switch (leaf.op) {
    case 'eq': {
      const wanted = leaf.value // a finite number or a string, so === is the whole rule
      return (value) => value === wanted
    }
    case 'ne': {
      const wanted = leaf.value
      const type = typeof wanted
      return (value) => typeof value === type && value !== wanted && isComparable(value)
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return typeof leaf.value === 'number'
        ? ordered(leaf.op, leaf.value, isFiniteNumber)
        : ordered(leaf.op, leaf.value, isString)
    case 'in': {
      meter.charge('values', leaf.values.length, `${at}/values`)
      const values = new Set<unknown>(leaf.values) // holds only JSON scalars, so NaN and ±Infinity miss
      return (value) => values.has(value)
    }
    case 'notIn': {
      meter.charge('values', leaf.values.length, `${at}/values`)
      const values = new Set<unknown>(leaf.values)
      return (value) => isScalar(value) && !values.has(value)
    }
    case 'between': {
      const { min, max } = leaf
      return (value) =>
        Number.isFinite(value) && (value as number) >= min && (value as number) <= max
    }
    case 'matches':
      return testsString(regex(leaf, `${at}/regex`, meter))
    case 'glob': {
      const length = codePoints(leaf.pattern)
      meter.charge('globLength', Math.max(1, length), `${at}/pattern`)
      const matcher = pattern(() => compileGlob(leaf.pattern), `${at}/pattern`)
      const perCharacter = globStepsPerCharacter(leaf.pattern)
      meter.charge(
        'evaluationSteps',
        length + perCharacter * meter.testedLength(leaf.path),
        `${at}/pattern`,
      )
      return testsString(matcher)
    }
    case 'maxLength': {
      const max = leaf.value
      // counting stops after max + 1 code points, or at the string's end
      meter.charge('evaluationSteps', Math.min(max + 1, meter.longestAt(leaf.path)), `${at}/value`)
      return (value) =>
        typeof value === 'string'
          ? codePointsAtMost(value, max)
          : Array.isArray(value) && value.length <= max
    }
    case 'exists':
      return () => true
    case 'absent':
      return () => false
    default: {
      const _exhaustive: never = leaf
      return _exhaustive
    }
  }
}

// A number is compared with numbers and a string with strings (UTF-16 order, as `<`); a value of
// the other type is a non-match, never coerced.
function ordered<T extends number | string>(
  op: 'lt' | 'lte' | 'gt' | 'gte',
  bound: T,
  same: (value: unknown) => value is T,
): Predicate {
  switch (op) {
    case 'lt':
      return (value) => same(value) && value < bound
    case 'lte':
      return (value) => same(value) && value <= bound
    case 'gt':
      return (value) => same(value) && value > bound
    case 'gte':
      return (value) => same(value) && value >= bound
  }
}

const isFiniteNumber = (value: unknown): value is number => Number.isFinite(value)
const isString = (value: unknown): value is string => typeof value === 'string'

const isComparable = (value: unknown): boolean => isString(value) || isFiniteNumber(value)

const isScalar = (value: unknown): boolean =>
  isComparable(value) || typeof value === 'boolean' || value === null

function pattern<T>(compile: () => T, at: string): T {
  try {
    return compile()
  } catch (err) {
    if (err instanceof PatternSyntaxError) throw new InvalidConditionError(at, err.message)
    throw err
  }
}

/**
 * A regex is counted before it is compiled (so a policy over budget stops compiling), then
 * measured: its evaluation steps are an NFA transition per instruction per character tested.
 */
function regex(leaf: LeafCondition & { op: 'matches' }, at: string, meter: CostMeter) {
  meter.charge('regexes', 1, at)
  const compiled = pattern(
    () => compileRegexWithCost(leaf.regex, leaf.flags === 'i', meter.budget.dfaBytesPerRegex),
    at,
  )
  meter.charge('regexClassRanges', compiled.classRanges, at)
  meter.charge('regexInstructions', compiled.instructions, at)
  const steps = compiled.instructions * REGEX_STEP_COST * meter.testedLength(leaf.path)
  meter.charge('evaluationSteps', steps, at)
  return compiled.matcher
}

function codePoints(text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}

/** Strings over MAX_TESTED_LENGTH do not match: the cap that keeps one test bounded. */
const testsString =
  (matcher: PatternMatcher): Predicate =>
  (value) =>
    typeof value === 'string' && value.length <= MAX_TESTED_LENGTH && matcher(value)

/** Counts code points, not UTF-16 units, stopping as soon as the answer is known. */
function codePointsAtMost(text: string, max: number): boolean {
  if (text.length <= max) return true // never more code points than units
  if (text.length > 2 * max) return false // never fewer than half as many
  let count = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = text.charCodeAt(i + 1)
      if (low >= 0xdc00 && low <= 0xdfff) i++
    }
    if (++count > max) return false
  }
  return true
}
