import {
  type TelemetryBatchResponse,
  type TelemetryEvent,
  type TelemetryRejectionCode,
  batchStatus,
  occurredAt,
  validateTelemetryEvent,
} from '@tessera/contracts'
import {
  type IntakeDeps,
  type KnownAgent,
  type NewRecord,
  type RedactionRule,
  redact,
} from './intake.types.ts'

export type TelemetryChecked =
  { ok: true; event: TelemetryEvent } | { ok: false; code: TelemetryRejectionCode; message: string }

export function checkTelemetryEvents(raw: readonly unknown[]): TelemetryChecked[] {
  return raw.map((e) => validateTelemetryEvent(e))
}

export function agentIdsOf(checked: readonly TelemetryChecked[]): string[] {
  return [...new Set(checked.flatMap((c) => (c.ok ? [c.event.agentId] : [])))]
}

export type TelemetryResult = Omit<TelemetryBatchResponse, 'batchId'>

/**
 * Resolves agents and builds records and the response. With `callerOrg` (an API key), an agent
 * of another org is `UNKNOWN_AGENT`, exactly as if it did not exist; bus intake has no key, so
 * the agent's own org owns the event.
 */
export function acceptTelemetry(
  checked: readonly TelemetryChecked[],
  agents: ReadonlyMap<string, KnownAgent>,
  policies: ReadonlyMap<string, RedactionRule>,
  deps: IntakeDeps,
  callerOrg?: string,
): { records: NewRecord[]; result: TelemetryResult } {
  const records: NewRecord[] = []
  const rejected: TelemetryResult['rejected'] = []
  checked.forEach((c, index) => {
    if (!c.ok) {
      rejected.push({ index, code: c.code, message: c.message })
      return
    }
    const e = c.event
    const agent = agents.get(e.agentId)
    if (!agent || (callerOrg && agent.orgId !== callerOrg)) {
      rejected.push({ index, code: 'UNKNOWN_AGENT', message: `no agent ${e.agentId} in this org` })
      return
    }
    if (agent.status !== 'active') {
      rejected.push({ index, code: 'AGENT_REVOKED', message: `agent ${e.agentId} is revoked` })
      return
    }
    const data =
      e.type === 'tool_call'
        ? { ...e, params: redact(e.params, policies.get(agent.orgId), deps) }
        : e
    records.push({
      eventId: deps.newEventId(),
      orgId: agent.orgId,
      agentId: agent.agentId,
      protocol: 'telemetry',
      type: e.type,
      sessionId: e.sessionId,
      pactId: 'pactId' in e && e.pactId ? e.pactId : null,
      occurredAt: new Date(occurredAt(e)).toISOString(),
      data,
    })
  })
  const { status } = batchStatus(records.length, rejected.length)
  return {
    records,
    result: {
      status,
      acceptedCount: records.length,
      rejectedCount: rejected.length,
      rejected,
      eventIds: records.map((r) => r.eventId),
    },
  }
}
