import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, OrgCreated } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EVENT_LOG, EventConsumer, type EventLog, On, causedBy } from '@tessera/service-kit'
import {
  accountDecider,
  accountStreamId,
  operatingAccountId,
} from '../domain/account/account.decider.ts'

/**
 * Opens every new org's operating account. A reactor, not a read model: it appends to
 * escrow's log in the consumer's transaction and is never rebuilt.
 */
@EventConsumer({ name: 'org-provisioning', context: 'guardian' })
@Injectable()
export class OrgProvisioningReactor {
  constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

  @On('OrgCreated')
  async orgCreated(tx: SchemaTx, e: AnyEnvelope) {
    const { orgId } = OrgCreated.parse(e.data)
    const streamId = accountStreamId(operatingAccountId(orgId))
    await this.log.handle(
      streamId,
      accountDecider,
      { type: 'ProvisionOrg', orgId },
      causedBy(e, 'escrow'),
      tx,
    )
  }
}
