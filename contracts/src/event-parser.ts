import type { z } from 'zod'

/** The union `{type, data}` of the events a parser of `schemas` reads. */
export type ParsedEvent<M extends Record<string, z.ZodType>> = {
  [K in keyof M & string]: { type: K; data: z.infer<M[K]> }
}[keyof M & string]

/**
 * Reads an event of one stream back from the log, validated against its contract:
 * `eventParser('an agent', { AgentRegistered, AgentRevoked })`. Any other type is an error,
 * since a stream only ever holds its own events.
 */
export function eventParser<M extends Record<string, z.ZodType>>(what: string, schemas: M) {
  return (e: { type: string; data: unknown }): ParsedEvent<M> => {
    const schema = Object.hasOwn(schemas, e.type) ? schemas[e.type] : undefined
    if (!schema) throw new Error(`not ${what} event: ${e.type}`)
    return { type: e.type, data: schema.parse(e.data) } as ParsedEvent<M>
  }
}
