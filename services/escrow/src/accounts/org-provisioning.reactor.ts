import { Inject, Injectable } from '@nestjs/common'
import { AccountOpened, type AnyEnvelope, OrgCreated, eventParser } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import {
  type DeciderOf,
  EVENT_LOG,
  EventConsumer,
  type EventLog,
  On,
  causedBy,
} from '@tessera/service-kit'
import {
  type AccountCommand,
  accountDecider,
  accountStreamId,
  operatingAccountId,
} from '../domain/account/account.decider.ts'
import type { AccountEvent, AccountState } from '../domain/account/account.state.ts'

const accountLog: DeciderOf<AccountCommand, AccountEvent, AccountState> = {
  ...accountDecider,
  parse: eventParser('an account', { AccountOpened }),
}

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
      accountLog,
      { type: 'ProvisionOrg', orgId },
      causedBy(e, 'escrow'),
      tx,
    )
  }
}
