import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, OrgCreated } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EVENT_LOG, EventConsumer, type EventLog, On, causedBy, newId } from '@tessera/service-kit'
import { roomsDecider, roomsStreamId } from '../domain/rooms/rooms.decider.ts'

/**
 * Opens every new org's default room. A reactor, not a read model: it appends to pacts' log
 * in the consumer's transaction and is never rebuilt.
 */
@EventConsumer({ name: 'org-provisioning', context: 'guardian' })
@Injectable()
export class OrgProvisioningReactor {
  constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

  @On('OrgCreated')
  async orgCreated(tx: SchemaTx, e: AnyEnvelope) {
    const { orgId } = OrgCreated.parse(e.data)
    const streamId = roomsStreamId(orgId)
    await this.log.handle(
      streamId,
      roomsDecider,
      { type: 'ProvisionOrg', orgId, roomId: newId('room') },
      causedBy(e, 'pacts'),
      tx,
    )
  }
}
