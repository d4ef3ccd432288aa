import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, JuryPolicySet, OrgCreated } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EVENT_LOG, EventConsumer, type EventLog, On } from '@tessera/service-kit'
import { decide, juryPolicyStreamId } from '../domain/jury-policy/jury-policy.decider.ts'
import {
  type JuryPolicyEvent,
  evolve,
  initialState,
} from '../domain/jury-policy/jury-policy.state.ts'

/**
 * Gives every new org the default jury policy. A reactor, not a read model: it appends to
 * jury's log in the consumer's transaction and is never rebuilt.
 */
@EventConsumer({ name: 'org-provisioning', context: 'guardian' })
@Injectable()
export class OrgProvisioningReactor {
  constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

  @On('OrgCreated')
  async orgCreated(tx: SchemaTx, e: AnyEnvelope) {
    const { orgId } = OrgCreated.parse(e.data)
    const streamId = juryPolicyStreamId(orgId)
    const history = await this.log.read(streamId, tx)
    const state = history.map(toJuryPolicyEvent).reduce(evolve, initialState())
    const events = decide({ type: 'ProvisionOrg', orgId }, state)
    await this.log.append(
      streamId,
      history.at(-1)?.metadata.streamVersion ?? 'no_stream',
      events,
      {
        actor: { kind: 'system', id: 'jury' },
        correlationId: e.metadata.correlationId,
        causationId: e.metadata.eventId,
        traceparent: e.metadata.traceparent,
      },
      tx,
    )
  }
}

function toJuryPolicyEvent(e: AnyEnvelope): JuryPolicyEvent {
  if (e.type !== 'JuryPolicySet') throw new Error(`unexpected ${e.type} in ${e.metadata.streamId}`)
  return { type: 'JuryPolicySet', data: JuryPolicySet.parse(e.data) }
}
