import type { ParamBindingViolated } from '@tessera/contracts'
import { type ActivePactBindings, brokenBindings } from '@tessera/conditions'
import { canonicalJson, sha256Hex } from '@tessera/crypto'

/** The stream of a pact: its violations are appended where its room reads them. */
export function pactStreamId(pactId: string): string {
  return `pact-${pactId}`
}

export type { ActivePactBindings }

/** A `tool_call` seen in telemetry, with the pact it runs under (its own, or its session's). */
export interface ObservedToolCall {
  telemetryEventId: string
  agentId: string
  orgId: string
  tool: string
  params: Record<string, unknown>
}

export type BindingOutcome =
  | { kind: 'violated'; events: { type: 'ParamBindingViolated'; data: ParamBindingViolated }[] }
  | { kind: 'complied' }
  /** The agent is not a party: its calls say nothing about this pact and stay out of its room. */
  | { kind: 'not_party' }

/**
 * Checks one observed call against the pact's bindings: one `ParamBindingViolated` per broken
 * binding. Pure: the shell passes the pact, the call and the time. The params are not kept,
 * only the SHA-256 of their RFC 8785 JSON.
 */
export function decideToolCall(
  call: ObservedToolCall,
  pact: ActivePactBindings,
  detectedAt: Date,
): BindingOutcome {
  const party = pact.parties.some((p) => p.agentId === call.agentId && p.orgId === call.orgId)
  if (!party) return { kind: 'not_party' }
  const broken = brokenBindings(pact.bindings, call.tool, call.params)
  if (broken.length === 0) return { kind: 'complied' }
  const paramsDigest = sha256Hex(canonicalJson(call.params))
  return {
    kind: 'violated',
    events: broken.map((b) => ({
      type: 'ParamBindingViolated' as const,
      data: {
        pactId: pact.pactId,
        agentId: call.agentId,
        tool: call.tool,
        rule: b.rule,
        paramsDigest,
        telemetryEventId: call.telemetryEventId,
        detectedAt: detectedAt.toISOString(),
      },
    })),
  }
}
