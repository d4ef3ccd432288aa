import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, OrgCreated, RoomOpened, eventParser } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import {
  type DeciderOf,
  EVENT_LOG,
  EventConsumer,
  type EventLog,
  On,
  causedBy,
  newId,
} from '@tessera/service-kit'
import { type RoomsCommand, roomsDecider, roomsStreamId } from '../domain/rooms/rooms.decider.ts'
import type { RoomsEvent, RoomsState } from '../domain/rooms/rooms.state.ts'

const roomsLog: DeciderOf<RoomsCommand, RoomsEvent, RoomsState> = {
  ...roomsDecider,
  parse: eventParser('a room', { RoomOpened }),
}

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
      roomsLog,
      { type: 'ProvisionOrg', orgId, roomId: newId('room') },
      causedBy(e, 'pacts'),
      tx,
    )
  }
}
