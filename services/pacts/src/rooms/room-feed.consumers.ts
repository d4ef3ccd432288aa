import { Inject, Injectable } from '@nestjs/common'
import type { Logger } from 'pino'
import {
  type AnyEnvelope,
  PactId,
  type RoomEventRecorded,
  type RoomFeedContext,
} from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import {
  EVENT_LOG,
  EventConsumer,
  type EventLog,
  LOGGER,
  On,
  SERVICE_SCHEMA,
  causedBy,
} from '@tessera/service-kit'
import { roomStreamId } from './room-checkpointer.consumer.ts'
import { entrySeqOf, findRoom } from './rooms.repository.ts'

/**
 * Records another context's events about a pact (any type whose data has a `pactId`) in the
 * pact's room: it appends `RoomEventRecorded` to pacts' own log, whose room projection chains
 * it, so the room stays a projection of one log and rebuilds to the same hashes.
 */
abstract class RoomFeed {
  protected abstract readonly context: RoomFeedContext

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @On('*')
  async record(tx: SchemaTx, e: AnyEnvelope) {
    const pactId = PactId.safeParse((e.data as { pactId?: unknown } | null)?.pactId)
    if (!pactId.success) return
    if (!(await findRoom(tx, this.schema, pactId.data))) {
      // pacts commits a pact before anyone can learn of it, so this is no pact of ours
      this.logger.warn(
        { pactId: pactId.data, type: e.type, context: this.context },
        'event about an unknown pact: not recorded',
      )
      return
    }
    if ((await entrySeqOf(tx, this.schema, pactId.data, e.metadata.eventId)) !== undefined) return
    const data: RoomEventRecorded = {
      pactId: pactId.data,
      source: {
        eventId: e.metadata.eventId,
        context: this.context,
        type: e.type,
        data: e.data,
        occurredAt: e.metadata.occurredAt,
      },
    }
    await this.log.append(
      roomStreamId(pactId.data),
      'any',
      [{ type: 'RoomEventRecorded', data }],
      causedBy(e, 'pacts'),
      tx,
    )
  }
}

@EventConsumer({ name: 'room-feed-escrow', context: 'escrow' })
@Injectable()
export class EscrowRoomFeed extends RoomFeed {
  protected readonly context = 'escrow'
}

@EventConsumer({ name: 'room-feed-jury', context: 'jury' })
@Injectable()
export class JuryRoomFeed extends RoomFeed {
  protected readonly context = 'jury'
}

@EventConsumer({ name: 'room-feed-scoring', context: 'scoring' })
@Injectable()
export class ScoringRoomFeed extends RoomFeed {
  protected readonly context = 'scoring'
}

export const ROOM_FEEDS = [EscrowRoomFeed, JuryRoomFeed, ScoringRoomFeed]
