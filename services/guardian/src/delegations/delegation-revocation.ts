import { DelegationRevoked } from '@tessera/contracts'
import type { AppendContext, ExpectedVersion, SchemaTx } from '@tessera/event-store'
import type { EventLog } from '@tessera/service-kit'
import {
  type DelegationCommand,
  delegationDecider,
  delegationStreamId,
} from '../domain/delegation/delegation.decider.ts'
import { type Delegation, parseDelegationEvent } from '../domain/delegation/delegation.state.ts'
import { activeSessionsUnder } from '../sessions/sessions.repository.ts'
import { closeSessions } from '../sessions/sessions.service.ts'
import { descendantIds, liveDelegationsOf, lockTreeOf } from './delegations.repository.ts'

/** One delegation folded from its stream, with the version to append at. */
export async function loadDelegation(log: EventLog, tx: SchemaTx, delegationId: string) {
  const history = await log.read(delegationStreamId(delegationId), tx)
  const state = history
    .map(parseDelegationEvent)
    .reduce(delegationDecider.evolve, delegationDecider.initialState())
  const version: ExpectedVersion = history.at(-1)?.metadata.streamVersion ?? 'no_stream'
  return { state, version }
}

/**
 * Revokes a delegation and every delegation derived from it, and closes their sessions, all
 * in `tx`. The caller holds the tree's lock ({@link lockTreeOf}) and has loaded the target
 * since ({@link loadDelegation}). Each revocation is an event on its own delegation's stream;
 * the cascaded ones are caused by the first.
 */
export async function revokeWithDescendants(
  log: EventLog,
  tx: SchemaTx,
  schema: string,
  target: Awaited<ReturnType<typeof loadDelegation>>,
  c: Omit<Extract<DelegationCommand, { type: 'RevokeDelegation' }>, 'type' | 'descendants'>,
  ctx: AppendContext,
): Promise<DelegationRevoked[]> {
  const versions = new Map([[c.delegationId, target.version]])
  const descendants: Delegation[] = []
  for (const id of await descendantIds(tx, schema, c.delegationId)) {
    const { state, version } = await loadDelegation(log, tx, id)
    if (state.status === 'none') continue
    descendants.push(state)
    versions.set(id, version)
  }
  const command: DelegationCommand = { type: 'RevokeDelegation', ...c, descendants }
  const events = delegationDecider.decide(command, target.state)
  const revoked: DelegationRevoked[] = []
  let cause = ctx
  for (const e of events) {
    const data = DelegationRevoked.parse(e.data)
    const stream = delegationStreamId(data.delegationId)
    const [stored] = await log.append(stream, versions.get(data.delegationId)!, [e], cause, tx)
    revoked.push(data)
    if (stored && cause === ctx) {
      const eventId = stored.metadata.eventId
      cause = { ...ctx, correlationId: ctx.correlationId ?? eventId, causationId: eventId }
    }
  }
  const sessionIds = await activeSessionsUnder(
    tx,
    schema,
    revoked.map((r) => r.delegationId),
  )
  await closeSessions(log, tx, c.orgId, sessionIds, 'delegation_revoked', cause)
  return revoked
}

/**
 * Revokes (reason `agent_revoked`) every live delegation from or to a revoked agent, with all
 * derived from them and their sessions, inside the agent's revocation transaction.
 */
export async function revokeDelegationsOf(
  log: EventLog,
  tx: SchemaTx,
  schema: string,
  agent: { agentId: string; orgId: string },
  ctx: AppendContext,
): Promise<void> {
  const done = new Set<string>()
  // Trees in root order, each locked once: two revocations never wait on each other in a cycle.
  for (const { delegationId } of await liveDelegationsOf(tx, schema, agent.agentId)) {
    if (done.has(delegationId)) continue
    await lockTreeOf(tx, schema, agent.orgId, delegationId)
    const target = await loadDelegation(log, tx, delegationId)
    if (target.state.status !== 'active') continue
    const revoked = await revokeWithDescendants(
      log,
      tx,
      schema,
      target,
      { delegationId, orgId: agent.orgId, reason: 'agent_revoked', now: new Date() },
      ctx,
    )
    for (const r of revoked) done.add(r.delegationId)
  }
}
