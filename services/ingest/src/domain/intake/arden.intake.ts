import {
  type ArdenErrorCode,
  type ArdenEvent,
  type ArdenResponse,
  batchStatus,
  validateArdenEvent,
} from '@tessera/contracts'
import {
  type IntakeDeps,
  type KnownAgent,
  type NewRecord,
  type RedactionRule,
  redact,
} from './intake.types.ts'

export type ArdenChecked =
  { ok: true; event: ArdenEvent } | { ok: false; error: ArdenErrorCode; message: string }

/** Phase one, pure: every rule of the spec that needs no registry. */
export function checkArdenEvents(raw: readonly unknown[], tokenUser?: string): ArdenChecked[] {
  return raw.map((e) => validateArdenEvent(e, tokenUser))
}

/** The agent handles phase two needs to look up. */
export function handlesOf(checked: readonly ArdenChecked[]): string[] {
  return [...new Set(checked.flatMap((c) => (c.ok ? [c.event.agentHandle] : [])))]
}

export interface ArdenAcceptance {
  records: NewRecord[]
  response: ArdenResponse
  /** Per rejected index, a human-readable reason (the spec's body only carries the code). */
  messages: Map<number, string>
}

/**
 * Phase two: resolves agents and builds the records and the response. An agent that does not
 * exist, is revoked, or belongs to another org than the caller's key is `unknown_agent`.
 */
export function acceptArden(
  checked: readonly ArdenChecked[],
  agents: ReadonlyMap<string, KnownAgent>,
  policies: ReadonlyMap<string, RedactionRule>,
  deps: IntakeDeps,
  callerOrg?: string,
): ArdenAcceptance {
  const records: NewRecord[] = []
  const rejected: ArdenResponse['rejected'] = []
  const messages = new Map<number, string>()
  checked.forEach((c, index) => {
    if (!c.ok) {
      rejected.push({ index, error: c.error })
      messages.set(index, c.message)
      return
    }
    const agent = agents.get(c.event.agentHandle)
    if (!agent || agent.status !== 'active' || (callerOrg && agent.orgId !== callerOrg)) {
      rejected.push({ index, error: 'unknown_agent' })
      messages.set(index, `no active agent ${c.event.agent}`)
      return
    }
    const e = c.event
    const data =
      typeof e.data === 'string' ? e.data : redact(e.data, policies.get(agent.orgId), deps)
    records.push({
      eventId: deps.newEventId(),
      orgId: agent.orgId,
      agentId: agent.agentId,
      protocol: 'arden',
      type: 'arden_event',
      sessionId: null,
      pactId: null,
      occurredAt: new Date(e.time).toISOString(),
      data: { ...e, data },
    })
  })
  const { status } = batchStatus(records.length, rejected.length)
  return {
    records,
    messages,
    response: {
      status,
      accepted_count: records.length,
      rejected_count: rejected.length,
      rejected,
      event_ids: records.map((r) => r.eventId),
    },
  }
}
