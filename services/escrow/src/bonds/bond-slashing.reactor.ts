import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, DeadlineMissed } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EventConsumer, On, causedBy } from '@tessera/service-kit'
import { BondsService } from './bonds.service.ts'

/**
 * Counts each of escrow's own `DeadlineMissed` against the seller's bond, from the ESCROW
 * stream (the lifecycle appends it; the relay publishes it). The strike, any slash and its
 * posting commit with the consumer's checkpoint, and the decider counts an escrow once, so a
 * redelivery changes nothing. A reactor: it appends events, so it is never rebuilt.
 */
@EventConsumer({ name: 'bond-slashing', context: 'escrow' })
@Injectable()
export class BondSlashingReactor {
  constructor(@Inject(BondsService) private readonly bonds: BondsService) {}

  @On('DeadlineMissed')
  async deadlineMissed(tx: SchemaTx, e: AnyEnvelope) {
    const missed = DeadlineMissed.parse(e.data)
    await this.bonds.countMissedDeadline(tx, missed, causedBy(e, 'escrow'))
  }
}
