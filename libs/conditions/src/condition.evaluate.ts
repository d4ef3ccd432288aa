import type { CompiledCondition, CompiledNode } from './condition.compile.ts'

/** Whether the condition holds for `doc`. The hot path: never throws, allocates nothing. */
export function evaluate(compiled: CompiledCondition, doc: unknown): boolean {
  return compiled.root.test(doc)
}

/** Why a condition came out as it did, for a decision's reason. */
export interface Explanation {
  readonly result: boolean
  /**
   * JSON pointer into the condition to the node that decided: the first leaf that made an
   * `all` fail or an `any` succeed, or an `all` / `any` itself when all its children agreed
   * (every one held, or none did).
   */
  readonly decidedBy: string
  /** That node, as describeCondition writes it: `params.amount > 500`. */
  readonly description: string
  /** Whether that node held; the opposite of `result` under an odd number of `not`s. */
  readonly held: boolean
}

/** Evaluates like `evaluate`, and says which node decided. Slower; use it for reasons. */
export function explain(compiled: CompiledCondition, doc: unknown): Explanation {
  const { result, node, held } = decide(compiled.root, doc)
  return { result, decidedBy: node.at, description: node.description, held }
}

interface Decision {
  result: boolean
  node: CompiledNode
  held: boolean
}

// Short-circuits in the same order as the compiled tests, so it always agrees with evaluate.
function decide(node: CompiledNode, doc: unknown): Decision {
  switch (node.kind) {
    case 'leaf': {
      const held = node.test(doc)
      return { result: held, node, held }
    }
    case 'not': {
      const inner = decide(node.child, doc)
      return { ...inner, result: !inner.result }
    }
    case 'all':
      for (const child of node.children) {
        const decision = decide(child, doc)
        if (!decision.result) return decision
      }
      return { result: true, node, held: true }
    case 'any':
      for (const child of node.children) {
        const decision = decide(child, doc)
        if (decision.result) return decision
      }
      return { result: false, node, held: false }
  }
}
