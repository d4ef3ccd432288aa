import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, OrgCreated } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EVENT_LOG, EventConsumer, type EventLog, On, causedBy } from '@tessera/service-kit'
import { redactionDecider, redactionStreamId } from '../domain/redaction/redaction.decider.ts'

/**
 * Gives every new org its (empty) redaction policy. A reactor, not a read model: it appends to
 * ingest's log in the consumer's transaction and is never rebuilt.
 */
@EventConsumer({ name: 'org-provisioning', context: 'guardian' })
@Injectable()
export class OrgProvisioningReactor {
  constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

  @On('OrgCreated')
  async orgCreated(tx: SchemaTx, e: AnyEnvelope) {
    const { orgId } = OrgCreated.parse(e.data)
    await this.log.handle(
      redactionStreamId(orgId),
      redactionDecider,
      { type: 'ProvisionOrg', orgId },
      causedBy(e, 'ingest'),
      tx,
    )
  }
}
