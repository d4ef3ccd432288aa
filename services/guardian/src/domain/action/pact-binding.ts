import { type ActivePactBindings, brokenBindings } from '@tessera/conditions'

/** An active pact as guardian learned it from PACTS: its parties and compiled param bindings. */
export type PactFacts = ActivePactBindings

/** What a check under a pact needs of the request and the agent. */
interface PactCall {
  pactId: string
  agentId: string
  orgId: string
  toolName: string
  params?: Record<string, unknown> | undefined
}

/**
 * Why a call under `pactId` may not go ahead, or undefined. Fails closed:
 * - `pact.unknown`: guardian holds no active pact of that id for the caller's org. An unknown
 *   id, a pact not yet announced on PACTS (or not yet accepted) and another org's pact read
 *   the same, so an id says nothing about pacts the caller may not see;
 * - `pact.not_party`: the pact is the org's, but the agent is not one of its parties;
 * - `pact.param_binding`: the params break a `param_binding` condition of the tool; the reason
 *   names the first one and what it requires. Missing params are `{}`, which breaks any
 *   binding that needs a value.
 */
export function pactRefusal(
  call: PactCall,
  pact: PactFacts | null,
): { rule: string; reason: string } | undefined {
  if (!pact || !pact.parties.some((p) => p.orgId === call.orgId)) {
    return {
      rule: 'pact.unknown',
      reason: `pact ${call.pactId} is not an active pact of this org (unknown, or not yet active)`,
    }
  }
  if (!pact.parties.some((p) => p.agentId === call.agentId && p.orgId === call.orgId)) {
    return { rule: 'pact.not_party', reason: `the agent is not a party of pact ${call.pactId}` }
  }
  const [broken] = brokenBindings(pact.bindings, call.toolName, call.params ?? {})
  if (!broken) return undefined
  return {
    rule: 'pact.param_binding',
    reason: `${call.toolName} breaks the binding "${broken.name}" of pact ${call.pactId}: it requires ${broken.description}`,
  }
}
