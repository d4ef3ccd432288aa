import { CostMeter } from './condition.budget.ts'
import { describeCondition } from './condition.describe.ts'
import { InvalidConditionError } from './condition.errors.ts'
import { leafPredicate } from './condition.leaf.ts'
import { Condition, type LeafCondition } from '@tessera/contracts'
import { MISSING, escapeToken, parsePointer, resolvePointer } from './json-pointer.ts'

/** A node of a compiled condition; `at` is its JSON pointer in the condition. */
export type CompiledNode = {
  readonly at: string
  readonly description: string
  readonly test: (doc: unknown) => boolean
} & (
  | { readonly kind: 'leaf' }
  | { readonly kind: 'all' | 'any'; readonly children: readonly CompiledNode[] }
  | { readonly kind: 'not'; readonly child: CompiledNode }
)

/** A condition checked and prepared once, to be evaluated many times. Treat `root` as opaque. */
export interface CompiledCondition {
  readonly condition: Condition
  readonly root: CompiledNode
}

/**
 * Validates a condition (the schema, then what only compiling finds: regexes and globs this lib
 * cannot run) and prepares it: pointers parsed, patterns compiled (descriptions are written
 * when `explain` first asks: a policy of thousands of nodes would spend most of its compile on them).
 * Throws InvalidConditionError naming the offending node, or ConditionTooCostlyError when the
 * condition goes over the budget of `meter`: share one meter across the conditions of a policy
 * to budget them together (a fresh meter has DEFAULT_BUDGET).
 */
export function compileCondition(
  condition: Condition,
  meter: CostMeter = new CostMeter(),
): CompiledCondition {
  const parsed = Condition.safeParse(condition)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new InvalidConditionError(pointerOf(issue.path), issue.message)
  }
  return { condition: parsed.data, root: compileNode(parsed.data, '', meter) }
}

function compileNode(node: Condition, at: string, meter: CostMeter): CompiledNode {
  meter.charge('nodes', 1, at)
  meter.charge('evaluationSteps', 1, at)
  if ('all' in node || 'any' in node) {
    const kind = 'all' in node ? 'all' : 'any'
    const list = 'all' in node ? node.all : node.any
    const children = list.map((child, i) => compileNode(child, `${at}/${kind}/${i}`, meter))
    const tests = children.map((child) => child.test)
    const test =
      kind === 'all'
        ? (doc: unknown) => {
            for (let i = 0; i < tests.length; i++) if (!tests[i]!(doc)) return false
            return true
          }
        : (doc: unknown) => {
            for (let i = 0; i < tests.length; i++) if (tests[i]!(doc)) return true
            return false
          }
    return described(node, { kind, at, test, children })
  }
  if ('not' in node) {
    const child = compileNode(node.not, `${at}/not`, meter)
    const inner = child.test
    return described(node, { kind: 'not', at, test: (doc) => !inner(doc), child })
  }
  return described(node, { kind: 'leaf', at, test: leafTest(node, at, meter) })
}

type Undescribed = CompiledNode extends infer N
  ? N extends N
    ? Omit<N, 'description'>
    : never
  : never

/** Adds `description`, written once on first read. */
function described(node: Condition, compiled: Undescribed): CompiledNode {
  let description: string | undefined
  return Object.defineProperty(compiled, 'description', {
    enumerable: true,
    get: () => (description ??= describeCondition(node)),
  }) as CompiledNode
}

/**
 * Every leaf but `absent` is false on a missing path, and any leaf is false on a value it cannot
 * read (a throwing getter or Proxy: never parsed JSON), which is how evaluate never throws.
 */
function leafTest(leaf: LeafCondition, at: string, meter: CostMeter): (doc: unknown) => boolean {
  const pointer = parsePointer(leaf.path)
  meter.charge('evaluationSteps', pointer.tokens.length, `${at}/path`) // a lookup per token
  const predicate = leafPredicate(leaf, at, meter)
  const whenMissing = leaf.op === 'absent'
  return (doc) => {
    try {
      const value = resolvePointer(doc, pointer)
      return value === MISSING ? whenMissing : predicate(value)
    } catch {
      return false
    }
  }
}

function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${escapeToken(String(key))}`).join('')
}
