import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, JuryPolicySet, OrgCreated } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EVENT_LOG, EventConsumer, type EventLog, On, causedBy } from '@tessera/service-kit'
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
    const decider = { decide, evolve, initialState, parse: toJuryPolicyEvent }
    await this.log.handle(
      streamId,
      decider,
      { type: 'ProvisionOrg', orgId },
      causedBy(e, 'jury'),
      tx,
    )
  }
}

function toJuryPolicyEvent(e: AnyEnvelope): JuryPolicyEvent {
  if (e.type !== 'JuryPolicySet') throw new Error(`unexpected ${e.type} in ${e.metadata.streamId}`)
  return { type: 'JuryPolicySet', data: JuryPolicySet.parse(e.data) }
}
