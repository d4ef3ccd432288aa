export { Condition } from '@tessera/contracts'
export { compileCondition } from './condition.compile.ts'
export { evaluate, explain } from './condition.evaluate.ts'
export { describeCondition } from './condition.describe.ts'
export { InvalidConditionError } from './condition.errors.ts'
export { activePactBindings, brokenBindings, compileBindings } from './param-binding.ts'
export {
  ConditionTooCostlyError,
  CostMeter,
  DEFAULT_BUDGET,
  REGEX_STEP_COST,
} from './condition.budget.ts'
export {
  MAX_DEPTH,
  MAX_NODES,
  MAX_PATTERN_LENGTH,
  MAX_TESTED_LENGTH,
  MAX_VALUES,
} from '@tessera/contracts'

export type { AllCondition, AnyCondition, LeafCondition, NotCondition } from '@tessera/contracts'
export type { CompiledCondition } from './condition.compile.ts'
export type { BudgetedResource, ConditionBudget, LongestString } from './condition.budget.ts'
export type { Explanation } from './condition.evaluate.ts'
export type {
  ActivePactBindings,
  BrokenBinding,
  CompiledBinding,
  CompiledBindings,
} from './param-binding.ts'
