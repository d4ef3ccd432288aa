import { z } from 'zod'
import { EVENT_REGISTRY, envelopeOf, subjectOf } from '../src/index.ts'
import type { EventDefinition } from '../src/index.ts'

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

export const GENERATED_NOTICE =
  'Generated from contracts/src by contracts/scripts/generate.ts. Do not edit: run `npm run contracts:generate`.'

type Target = 'draft-2020-12' | 'draft-07'

/** `guardian.OrgCreated`: the id of an event type in file names and AsyncAPI components. */
export function eventKey(def: EventDefinition): string {
  return `${def.context}.${def.type}`
}

/** Sorted by key, so output does not depend on the order the registry is written in. */
export function sortedEvents(): EventDefinition[] {
  return [...EVENT_REGISTRY].sort((a, b) => compare(eventKey(a), eventKey(b)))
}

/**
 * The JSON Schema of an event's full envelope `{ type, data, metadata }`.
 *
 * `io: 'input'` describes what a zod consumer accepts: unknown keys are stripped, not
 * rejected, so the schema must not say `additionalProperties: false` (which would make
 * adding an optional field a breaking change for JSON Schema validators).
 */
export function envelopeJsonSchema(def: EventDefinition, target: Target): JsonObject {
  const schema = z.toJSONSchema(envelopeOf(def.type, def.data), {
    target,
    io: 'input',
    unrepresentable: 'throw',
  })
  return toJson(schema)
}

/** The standalone, draft 2020-12 file for one event type. */
export function eventSchemaFile(def: EventDefinition): JsonObject {
  return sortKeys({
    ...envelopeJsonSchema(def, 'draft-2020-12'),
    $comment: GENERATED_NOTICE,
    title: eventKey(def),
    description: `${def.description} Subject: ${subjectOf(def)}.`,
  })
}

/** Deep copy with object keys in code-point order (never locale order); arrays keep order. */
export function sortKeys<T extends JsonValue>(value: T): T
export function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v))
  if (value === null || typeof value !== 'object') return value
  const out: JsonObject = {}
  for (const key of Object.keys(value).sort(compare)) {
    const v = value[key]
    if (v !== undefined) out[key] = sortKeys(v)
  }
  return out
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function formatJson(value: JsonValue): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`
}

function toJson(value: unknown): JsonObject {
  // a JSON round trip drops undefined members and proves the schema is plain JSON
  return JSON.parse(JSON.stringify(value)) as JsonObject
}
