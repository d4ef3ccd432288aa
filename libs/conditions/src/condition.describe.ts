import type { Condition, LeafCondition } from '@tessera/contracts'
import { ARRAY_INDEX, parsePointer } from './json-pointer.ts'

const SYMBOLS = { eq: '==', ne: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const
/** An in/notIn list longer than this is cut short, with a count of the rest. */
const LISTED_VALUES = 5

/** A one-line, human-readable form for decision reasons: `params.amount <= 500`. */
export function describeCondition(condition: Condition): string {
  if ('all' in condition) return joined(condition.all, 'and', 'true')
  if ('any' in condition) return joined(condition.any, 'or', 'false')
  if ('not' in condition) return `not (${describeCondition(condition.not)})`
  return describeLeaf(condition)
}

function joined(children: readonly Condition[], word: string, empty: string): string {
  if (children.length === 0) return empty
  if (children.length === 1) return describeCondition(children[0]!)
  return children.map(grouped).join(` ${word} `)
}

/** A nested all/any of several conditions is put in parentheses; anything else reads alone. */
function grouped(condition: Condition): string {
  const list = 'all' in condition ? condition.all : 'any' in condition ? condition.any : []
  const text = describeCondition(condition)
  return list.length > 1 ? `(${text})` : text
}

function describeLeaf(leaf: LeafCondition): string {
  const path = describePath(leaf.path)
  switch (leaf.op) {
    case 'eq':
    case 'ne':
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return `${path} ${SYMBOLS[leaf.op]} ${JSON.stringify(leaf.value)}`
    case 'in':
      return `${path} in ${list(leaf.values)}`
    case 'notIn':
      return `${path} not in ${list(leaf.values)}`
    case 'between':
      return `${path} between ${leaf.min} and ${leaf.max}`
    case 'matches':
      return `${path} matches /${leaf.regex}/${leaf.flags ?? ''}`
    case 'glob':
      return `${path} matches ${JSON.stringify(leaf.pattern)}`
    case 'maxLength':
      return `length of ${path} <= ${leaf.value}`
    case 'exists':
      return `${path} exists`
    case 'absent':
      return `${path} is absent`
  }
}

function list(values: readonly unknown[]): string {
  const shown = values.slice(0, LISTED_VALUES).map((value) => JSON.stringify(value))
  if (values.length > LISTED_VALUES) shown.push(`… (${values.length - LISTED_VALUES} more)`)
  return `[${shown.join(', ')}]`
}

/** `/params/items/0/a~1b` reads `params.items[0]["a/b"]`; the whole document reads `document`. */
export function describePath(pointer: string): string {
  const { tokens } = parsePointer(pointer)
  if (tokens.length === 0) return 'document'
  return tokens
    .map((token, i) => {
      if (ARRAY_INDEX.test(token)) return `[${token}]`
      if (/^[A-Za-z_$][\w$]*$/.test(token)) return i === 0 ? token : `.${token}`
      return `[${JSON.stringify(token)}]`
    })
    .join('')
}
