import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, OrgCreated, RoomOpened } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EVENT_LOG, EventConsumer, type EventLog, On, causedBy, newId } from '@tessera/service-kit'
import { decide, roomsStreamId } from '../domain/rooms/rooms.decider.ts'
import { type RoomsEvent, evolve, initialState } from '../domain/rooms/rooms.state.ts'

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
    const decider = { decide, evolve, initialState, parse: toRoomsEvent }
    await this.log.handle(
      streamId,
      decider,
      { type: 'ProvisionOrg', orgId, roomId: newId('room') },
      causedBy(e, 'pacts'),
      tx,
    )
  }
}

function toRoomsEvent(e: AnyEnvelope): RoomsEvent {
  if (e.type !== 'RoomOpened') throw new Error(`unexpected ${e.type} in ${e.metadata.streamId}`)
  return { type: 'RoomOpened', data: RoomOpened.parse(e.data) }
}
