import { MAX_TESTED_LENGTH } from '@tessera/contracts'

/**
 * What a set of conditions compiled together (an org's whole guard policy, a pact's bindings)
 * may cost. The per-condition caps (limits.ts) bound one condition; a policy holds hundreds,
 * and before this budget 900 regexes of `\p{L}{1000}` (55 KB of JSON) took 6 s to compile
 * and one check over a 4,000-character string ran guardian out of a 1 GB heap. Each line
 * bounds one resource; the README gives the numbers and what they were measured to cost.
 */
export interface ConditionBudget {
  /** Leaves and combinators: evaluation visits each at most once. */
  readonly nodes: number
  /** Entries of all in/notIn lists: memory of their Sets. */
  readonly values: number
  /** Code points of all glob patterns: a glob test is at most pattern × string steps. */
  readonly globLength: number
  /** `matches` regexes: each keeps a DFA state cache of at most `dfaBytesPerRegex`. */
  readonly regexes: number
  /**
   * re2js instructions of all regexes: compile work, and, when a regex's DFA gives up, NFA steps
   * per character tested (~60 ns each here: 0.25 ms per instruction over 4,096 characters).
   */
  readonly regexInstructions: number
  /**
   * Character-class ranges of all regexes: the compiled size and DFA tables that Unicode
   * classes blow up (`\p{L}` is about 680 ranges, `(?i)` folding adds more).
   */
  readonly regexClassRanges: number
  /**
   * Steps one evaluation of everything compiled may take at worst, each about a glob character
   * comparison (~4 ns here): a step per node and per pointer token, a glob's characters after
   * a `*` (+1) per character of the longest string it can meet, 4 per regex instruction per
   * such character (an NFA transition, when re2js's DFA gives up, is ~15–20 ns), and up to
   * `value + 1` per `maxLength`. What bounds one check's time; the README gives the numbers.
   */
  readonly evaluationSteps: number
  /** Each regex's DFA state cache, in re2js's own accounting (re2js's default is 8 MiB). */
  readonly dfaBytesPerRegex: number
}

/** Everything a meter counts; `dfaBytesPerRegex` is a setting, not a sum. */
export type BudgetedResource = Exclude<keyof ConditionBudget, 'dfaBytesPerRegex'>

/** The budget of one guard policy (or one pact's conditions) unless told otherwise. */
export const DEFAULT_BUDGET: ConditionBudget = {
  nodes: 10_000,
  values: 20_000,
  globLength: 10_000,
  regexes: 128,
  regexInstructions: 200,
  regexClassRanges: 20_000,
  evaluationSteps: 300_000,
  dfaBytesPerRegex: 128 * 1024,
}

/** Steps charged per regex instruction per character tested: an NFA transition (see above). */
export const REGEX_STEP_COST = 4

/**
 * The longest string (in code points) a path of the documents evaluated can hold, when the
 * caller knows it (guardian: its tool name, its summary), else undefined: unknown. Patterns
 * never test more than MAX_TESTED_LENGTH, whatever this says.
 */
export type LongestString = (path: string) => number | undefined

/**
 * Conditions over budget. `path` points into the condition being compiled when the budget
 * ran out (`/any/3/regex`); `budget` names the resource, `limit` its budget and `used` what
 * the conditions would have needed up to and including that node.
 */
export class ConditionTooCostlyError extends Error {
  readonly code = 'CONDITION_TOO_COSTLY'

  constructor(
    readonly path: string,
    readonly budget: BudgetedResource,
    readonly limit: number,
    readonly used: number,
  ) {
    super(`over the ${budget} budget: ${used} > ${limit}`)
    this.name = new.target.name
  }
}

/**
 * Counts what the conditions compiled with it cost, and throws at the first node that goes
 * over the budget: refusing a costly policy costs at most the budget plus one pattern.
 * Pass one meter to every compileCondition of a policy.
 */
export class CostMeter {
  private readonly spent: Record<BudgetedResource, number> = {
    nodes: 0,
    values: 0,
    globLength: 0,
    regexes: 0,
    regexInstructions: 0,
    regexClassRanges: 0,
    evaluationSteps: 0,
  }

  /**
   * `longestString` tells what the budget may assume of the documents (by default nothing:
   * every string may be as long as anything tests).
   */
  constructor(
    readonly budget: ConditionBudget = DEFAULT_BUDGET,
    private readonly longestString: LongestString = () => undefined,
  ) {}

  /** Adds `amount` of `resource`, spent by the node at `path`; throws when over budget. */
  charge(resource: BudgetedResource, amount: number, path: string): void {
    const used = this.spent[resource] + amount
    if (used > this.budget[resource]) {
      throw new ConditionTooCostlyError(path, resource, this.budget[resource], used)
    }
    this.spent[resource] = used
  }

  get used(): Readonly<Record<BudgetedResource, number>> {
    return { ...this.spent }
  }

  /** The longest string a pattern at document `path` tests: what its steps are multiplied by. */
  testedLength(path: string): number {
    return Math.min(MAX_TESTED_LENGTH, this.longestString(path) ?? MAX_TESTED_LENGTH)
  }

  /** The longest string at document `path`, or Infinity when unknown. */
  longestAt(path: string): number {
    return this.longestString(path) ?? Number.POSITIVE_INFINITY
  }
}
