import { Inject, Injectable } from '@nestjs/common'
import { type AnyEnvelope, OrgCreated, RedactionPolicySet } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EVENT_LOG, EventConsumer, type EventLog, On, causedBy } from '@tessera/service-kit'
import { decide, redactionStreamId } from '../domain/redaction/redaction.decider.ts'
import { type RedactionEvent, evolve, initialState } from '../domain/redaction/redaction.state.ts'

/**
 * Gives every new org its (empty) redaction policy. A reactor, not a read model: it appends to
 * ingest's log in the consumer's transaction and is never rebuilt.
 */
@EventConsumer({ name: 'org-provisioning', context: 'guardian' })
@Injectable()
export class OrgProvisioningReactor {
  constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

  @On('OrgCreated')
  async orgCreated(tx: SchemaTx, e: AnyEnvelope) {
    const { orgId } = OrgCreated.parse(e.data)
    const streamId = redactionStreamId(orgId)
    const decider = { decide, evolve, initialState, parse: toRedactionEvent }
    await this.log.handle(
      streamId,
      decider,
      { type: 'ProvisionOrg', orgId },
      causedBy(e, 'ingest'),
      tx,
    )
  }
}

export function toRedactionEvent(e: AnyEnvelope): RedactionEvent {
  if (e.type !== 'RedactionPolicySet')
    throw new Error(`unexpected ${e.type} in ${e.metadata.streamId}`)
  return { type: 'RedactionPolicySet', data: RedactionPolicySet.parse(e.data) }
}
