import { PactCondition, type PactParty, normaliseToolName } from '@tessera/contracts'
import { CostMeter } from './condition.budget.ts'
import { type CompiledCondition, compileCondition } from './condition.compile.ts'
import { evaluate, explain } from './condition.evaluate.ts'

/** A pact's `param_binding` condition, ready to evaluate (or why it could not be compiled). */
export interface CompiledBinding {
  readonly name: string
  readonly tool: string
  readonly compiled: CompiledCondition | null
  /** Set when the condition cannot be compiled: every call of its tool then breaks it. */
  readonly error: string | null
}

/** A pact's param bindings by tool, compiled once (with one budget) and evaluated per call. */
export interface CompiledBindings {
  readonly byTool: ReadonlyMap<string, readonly CompiledBinding[]>
}

/** A binding a call broke: `rule` is `param_binding:<name>`, `description` what it required. */
export interface BrokenBinding {
  readonly name: string
  readonly rule: string
  readonly description: string
}

/**
 * Compiles the `param_binding` conditions of a pact's terms, charged to one CostMeter as a
 * guard policy is. A condition that does not compile (or goes over the budget) is kept as
 * broken by every call of its tool: a binding the evaluator cannot run fails closed.
 */
export function compileBindings(conditions: readonly PactCondition[]): CompiledBindings {
  const meter = new CostMeter()
  const byTool = new Map<string, CompiledBinding[]>()
  for (const c of conditions) {
    if (c.kind !== 'param_binding') continue
    let binding: CompiledBinding
    try {
      binding = {
        name: c.name,
        tool: c.tool,
        compiled: compileCondition(c.when, meter),
        error: null,
      }
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      binding = { name: c.name, tool: c.tool, compiled: null, error }
    }
    const tool = bindingKey(c.tool)
    const list = byTool.get(tool) ?? []
    list.push(binding)
    byTool.set(tool, list)
  }
  return { byTool }
}

/**
 * The key a binding's tool and a call's tool meet on: the normalised name without its `_`. A
 * binding fails closed, so it binds every spelling an executor might take for the tool:
 * `TRANSFERFunds` and `transferfunds` have no word boundary `normaliseToolName` can see.
 */
function bindingKey(tool: string): string {
  return normaliseToolName(tool).replaceAll('_', '')
}

/**
 * The bindings of `tool` that `params` break, in the pact's order; empty when the call complies
 * or the pact binds no such tool. The document is the params themselves (`/amount`), and a
 * binding is what they must satisfy: it is broken when its condition does not hold. Tool names
 * match normalised (`normaliseToolName`), as guardian's rules match them, and then without
 * separators: `transferFunds` and `transferfunds` are bound by a binding of `transfer_funds`.
 */
export function brokenBindings(
  bindings: CompiledBindings,
  tool: string,
  params: Record<string, unknown>,
): BrokenBinding[] {
  const list = bindings.byTool.get(bindingKey(tool))
  if (list === undefined) return []
  const broken: BrokenBinding[] = []
  for (const b of list) {
    if (b.compiled && evaluate(b.compiled, params)) continue
    const description = b.compiled
      ? explain(b.compiled, params).description
      : `cannot be evaluated: ${b.error ?? 'invalid condition'}`
    broken.push({ name: b.name, rule: `param_binding:${b.name}`, description })
  }
  return broken
}

/** An active pact as both enforcers hold it: its parties and its bindings, compiled. */
export interface ActivePactBindings {
  readonly pactId: string
  readonly parties: readonly Pick<PactParty, 'agentId' | 'orgId'>[]
  readonly bindings: CompiledBindings
}

/**
 * An active pact from what its PactAccepted / PactRegistered said, as a service stored it: the
 * buyer and seller, and its conditions as JSON (parsed again: stored JSON is not trusted).
 */
export function activePactBindings(row: {
  pactId: string
  buyer: Pick<PactParty, 'agentId' | 'orgId'>
  seller: Pick<PactParty, 'agentId' | 'orgId'>
  conditions: readonly unknown[]
}): ActivePactBindings {
  return {
    pactId: row.pactId,
    parties: [row.buyer, row.seller],
    bindings: compileBindings(row.conditions.map((c) => PactCondition.parse(c))),
  }
}
