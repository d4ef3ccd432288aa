import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, JuryPolicySet, OrgCreated, eventParser } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import {
  type DeciderOf,
  EVENT_LOG,
  EventConsumer,
  type EventLog,
  On,
  causedBy,
} from '@tessera/service-kit'
import {
  type JuryPolicyCommand,
  juryPolicyDecider,
  juryPolicyStreamId,
} from '../domain/jury-policy/jury-policy.decider.ts'
import type { JuryPolicyEvent, JuryPolicyState } from '../domain/jury-policy/jury-policy.state.ts'

const juryPolicyLog: DeciderOf<JuryPolicyCommand, JuryPolicyEvent, JuryPolicyState> = {
  ...juryPolicyDecider,
  parse: eventParser('a jury policy', { JuryPolicySet }),
}

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
    await this.log.handle(
      streamId,
      juryPolicyLog,
      { type: 'ProvisionOrg', orgId },
      causedBy(e, 'jury'),
      tx,
    )
  }
}
