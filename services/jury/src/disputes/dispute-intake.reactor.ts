import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, DisputeOpened } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { CONFIG, EVENT_LOG, EventConsumer, type EventLog, On, causedBy } from '@tessera/service-kit'
import { disputeDecider, disputeStreamId } from '../domain/dispute/dispute.decider.ts'
import type { JuryEnv } from '../jury.env.ts'
import { JuryPanels } from './jury-panels.worker.ts'

/**
 * Takes in escrow's `DisputeOpened`: appends `DisputeReceived` (the response window opens) and
 * schedules the panel at the window's end, in the consumer's transaction. A reactor: never
 * rebuilt; a redelivery decides nothing.
 */
@EventConsumer({ name: 'dispute-intake', context: 'escrow' })
@Injectable()
export class DisputeIntakeReactor {
  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(CONFIG) private readonly config: JuryEnv,
    @Inject(JuryPanels) private readonly panels: JuryPanels,
  ) {}

  @On('DisputeOpened')
  async opened(tx: SchemaTx, e: AnyEnvelope) {
    const opened = DisputeOpened.parse(e.data)
    const stored = await this.log.handle(
      disputeStreamId(opened.disputeId),
      disputeDecider,
      {
        type: 'ReceiveDispute',
        opened,
        now: new Date(),
        responseWindowSeconds: this.config.JURY_RESPONSE_WINDOW_SECONDS,
      },
      causedBy(e, 'jury'),
      tx,
    )
    await this.panels.schedule(tx, stored)
  }
}
