import { z } from 'zod'
import { MAX_DEPTH, MAX_NODES, MAX_PATTERN_LENGTH, MAX_VALUES } from './limits.ts'

// The wire format of Tessera's condition language. libs/conditions compiles and evaluates it,
// and its README documents it; guardian's org rules (and pacts' param bindings) carry it.

const ESCAPE = /~[^01]|~$/

/** True for `""` (the whole document) or `/`-separated tokens where every `~` is `~0` or `~1`. */
export function isJsonPointer(pointer: string): boolean {
  return pointer === '' || (pointer.startsWith('/') && !ESCAPE.test(pointer))
}

const Path = z
  .string({ error: 'path must be a string' })
  .refine(
    isJsonPointer,
    'path must be a JSON pointer: "" or "/a/b", with ~ written ~0 and / in a key ~1',
  )
const Comparable = z.union([z.number(), z.string()], {
  error: 'value must be a finite number or a string',
})
const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error: 'values must be JSON scalars: strings, finite numbers, booleans or null',
})
const Pattern = z
  .string()
  .max(MAX_PATTERN_LENGTH, `patterns are at most ${MAX_PATTERN_LENGTH} characters`)

const Compare = z.strictObject({
  path: Path,
  op: z.enum(['eq', 'ne', 'lt', 'lte', 'gt', 'gte']),
  value: Comparable,
})
const Membership = z.strictObject({
  path: Path,
  op: z.enum(['in', 'notIn']),
  values: z.array(Scalar).max(MAX_VALUES, `an in/notIn list has at most ${MAX_VALUES} values`),
})
const Between = z
  .strictObject({ path: Path, op: z.enum(['between']), min: z.number(), max: z.number() })
  .refine((leaf) => leaf.min <= leaf.max, { error: 'min must not be above max', path: ['max'] })
const Matches = z.strictObject({
  path: Path,
  op: z.enum(['matches']),
  regex: Pattern,
  flags: z.literal('i', { error: 'flags may only be "i"' }).optional(),
})
const Glob = z.strictObject({ path: Path, op: z.enum(['glob']), pattern: Pattern })
const MaxLength = z.strictObject({
  path: Path,
  op: z.enum(['maxLength']),
  value: z.number().int().min(0, 'maxLength must be a non-negative integer'),
})
const Presence = z.strictObject({ path: Path, op: z.enum(['exists', 'absent']) })

const LEAVES = [Compare, Membership, Between, Matches, Glob, MaxLength, Presence] as const
const OPS = LEAVES.flatMap((leaf) => [...leaf.shape.op.options]).join(', ')

export type LeafCondition = z.infer<(typeof LEAVES)[number]>
/** True when every child holds; `all: []` is true. */
export type AllCondition = { all: Condition[] }
/** True when some child holds; `any: []` is false. */
export type AnyCondition = { any: Condition[] }
export type NotCondition = { not: Condition }
export type Condition = LeafCondition | AllCondition | AnyCondition | NotCondition

const isCombinator = (node: { all?: unknown; any?: unknown; not?: unknown }) =>
  Number(node.all !== undefined) +
    Number(node.any !== undefined) +
    Number(node.not !== undefined) ===
  1

// A combinator has no `op`, so the discriminated union routes a leaf by its op and reports an
// error deep inside where it is (`all.1.any.0.not.value`) rather than "invalid input" at the root.
const Combinator = z
  .strictObject(
    {
      op: z.literal([]).optional(),
      get all() {
        return z.array(ConditionNode).optional()
      },
      get any() {
        return z.array(ConditionNode).optional()
      },
      get not() {
        return ConditionNode.optional()
      },
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown keys ${issue.keys.join(', ')}: a leaf needs "op", a combinator is all, any or not`
          : undefined,
    },
  )
  .refine(isCombinator, 'a condition is a leaf with "op", or exactly one of "all", "any" or "not"')

const ConditionNode: z.ZodType<Condition> = z.discriminatedUnion('op', [...LEAVES, Combinator], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `op must be one of ${OPS} (or omitted in all/any/not)`
      : undefined,
}) as unknown as z.ZodType<Condition>

/**
 * A condition. Depth and size are checked first, without recursion, so a hostile document
 * (200,000 nested `not`s) is refused instead of overflowing the stack.
 */
export const Condition: z.ZodType<Condition> = z
  .unknown()
  .superRefine(checkSize)
  .pipe(ConditionNode)
  .meta({ description: 'A Tessera condition (libs/conditions/README.md)' })

interface Pending {
  node: unknown
  depth: number
  path: (string | number)[]
}

function checkSize(input: unknown, ctx: z.RefinementCtx): void {
  const pending: Pending[] = [{ node: input, depth: 1, path: [] }]
  let nodes = 0
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, depth, path } = next
    nodes++
    if (depth > MAX_DEPTH) {
      ctx.addIssue({ code: 'custom', message: `conditions nest at most ${MAX_DEPTH} deep`, path })
      return
    }
    if (typeof node !== 'object' || node === null) continue
    const children: Pending[] = []
    for (const key of ['all', 'any'] as const) {
      const list: unknown = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : 0
      if (Array.isArray(list) && nodes + pending.length + list.length <= MAX_NODES) {
        list.forEach((child: unknown, i) =>
          children.push({ node: child, depth: depth + 1, path: [...path, key, i] }),
        )
      } else if (Array.isArray(list)) return tooMany(ctx, [...path, key])
    }
    if (Object.hasOwn(node, 'not')) {
      children.push({
        node: (node as Record<string, unknown>)['not'],
        depth: depth + 1,
        path: [...path, 'not'],
      })
    }
    if (nodes + pending.length + children.length > MAX_NODES) return tooMany(ctx, path)
    pending.push(...children)
  }
}

function tooMany(ctx: z.RefinementCtx, path: (string | number)[]): void {
  const message = `a condition has at most ${MAX_NODES} nodes (leaves and combinators together)`
  ctx.addIssue({ code: 'custom', message, path })
}
