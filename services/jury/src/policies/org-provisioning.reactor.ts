import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, OrgCreated } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EVENT_LOG, EventConsumer, type EventLog, On, causedBy } from '@tessera/service-kit'
import { juryPolicyDecider, juryPolicyStreamId } from '../domain/jury-policy/jury-policy.decider.ts'

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
      juryPolicyDecider,
      { type: 'ProvisionOrg', orgId },
      causedBy(e, 'jury'),
      tx,
    )
  }
}
