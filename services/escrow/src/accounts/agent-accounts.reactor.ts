import { Inject, Injectable } from '@nestjs/common'
import { AgentRegistered, type AnyEnvelope } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EVENT_LOG, EventConsumer, type EventLog, On, causedBy } from '@tessera/service-kit'
import { accountDecider, accountStreamId } from '../domain/account/account.decider.ts'
import { agentAccountId } from '../domain/ledger/ledger.accounts.ts'

/**
 * Opens every new agent's wallet. A reactor like org provisioning: it appends `AccountOpened`
 * to escrow's log in the consumer's transaction, and the projection opens the ledger account.
 */
@EventConsumer({ name: 'agent-accounts', context: 'guardian' })
@Injectable()
export class AgentAccountsReactor {
  constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

  @On('AgentRegistered')
  async agentRegistered(tx: SchemaTx, e: AnyEnvelope) {
    const { agentId, orgId } = AgentRegistered.parse(e.data)
    await this.log.handle(
      accountStreamId(agentAccountId(agentId)),
      accountDecider,
      { type: 'OpenAgentAccount', orgId, agentId },
      causedBy(e, 'escrow'),
      tx,
    )
  }
}
