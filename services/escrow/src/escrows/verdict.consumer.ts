import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, VerdictReached } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EventConsumer, On, causedBy } from '@tessera/service-kit'
import { EscrowCommands } from './escrow-commands.ts'

/**
 * The jury's verdict settles the split, in the consumer's transaction (the checkpoint commits
 * with the postings and `EscrowSettled`). The first verdict for the open dispute settles it; a
 * redelivery, a later round or a verdict for another dispute decides nothing.
 */
@EventConsumer({ name: 'escrow-verdicts', context: 'jury' })
@Injectable()
export class VerdictConsumer {
  constructor(@Inject(EscrowCommands) private readonly commands: EscrowCommands) {}

  @On('VerdictReached')
  async verdict(tx: SchemaTx, e: AnyEnvelope) {
    const verdict = VerdictReached.parse(e.data)
    await this.commands.run(
      tx,
      verdict.escrowId,
      { type: 'SettleByVerdict', now: new Date(), verdict },
      causedBy(e, 'escrow'),
    )
  }
}
