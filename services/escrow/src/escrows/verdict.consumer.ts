import { Inject, Injectable } from '@nestjs/common'
import { AppealFiled, type AnyEnvelope, VerdictReached } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { CONFIG, EventConsumer, On, SERVICE_SCHEMA, causedBy } from '@tessera/service-kit'
import { EscrowCommands } from './escrow-commands.ts'
import { EscrowDeadlines } from './escrow-deadlines.ts'
import { EscrowLifecycleEnv } from './escrows.env.ts'
import { availableFunds } from './escrows.repository.ts'

/**
 * The jury's verdicts and appeals, in the consumer's transaction (the checkpoint commits with
 * the postings and events). A round-2 verdict, or a round-1 one with no appeal window left,
 * settles the split at once; a round-1 verdict still appealable is held (`VerdictRecorded`)
 * and settled by a durable job at its `appealableUntil` plus a grace (so an appeal filed just
 * inside the window arrives first), scheduled in the same transaction;
 * `AppealFiled` stops that and charges the appeal fee. Every order settles once (the decider).
 */
@EventConsumer({ name: 'escrow-verdicts', context: 'jury' })
@Injectable()
export class VerdictConsumer {
  constructor(
    @Inject(EscrowCommands) private readonly commands: EscrowCommands,
    @Inject(EscrowDeadlines) private readonly deadlines: EscrowDeadlines,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(CONFIG) private readonly config: { ESCROW_APPEAL_SETTLE_GRACE_SECONDS?: number },
  ) {}

  private get settleGraceMs() {
    const seconds =
      this.config.ESCROW_APPEAL_SETTLE_GRACE_SECONDS ??
      EscrowLifecycleEnv.ESCROW_APPEAL_SETTLE_GRACE_SECONDS.parse(undefined)
    return seconds * 1000
  }

  @On('VerdictReached')
  async verdict(tx: SchemaTx, e: AnyEnvelope) {
    const verdict = VerdictReached.parse(e.data)
    await this.commands.run(
      tx,
      verdict.escrowId,
      { type: 'SettleByVerdict', now: new Date(), verdict, settleGraceMs: this.settleGraceMs },
      causedBy(e, 'escrow'),
      (stored) => this.deadlines.schedule(tx, stored),
    )
  }

  @On('AppealFiled')
  async appeal(tx: SchemaTx, e: AnyEnvelope) {
    const appeal = AppealFiled.parse(e.data)
    await this.commands.run(
      tx,
      appeal.escrowId,
      {
        type: 'ChargeAppeal',
        now: new Date(),
        appeal,
        payerAvailable: await availableFunds(tx, this.schema, appeal.feePayerAgentId),
      },
      causedBy(e, 'escrow'),
    )
  }
}
