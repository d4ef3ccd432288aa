import { Inject, Injectable } from '@nestjs/common'

import { type AnyEnvelope, OrgCreated, type ScoreChanged } from '@tessera/contracts'
import { EVENT_LOG, EventConsumer, type EventLog, On, causedBy } from '@tessera/service-kit'
import { ORG_MODEL_VERSION, scoreNewOrg } from '../domain/trust/trust-model.ts'
import type { SchemaTx } from '@tessera/event-store'

/**
 * Publishes `ScoreChanged` for every new score. A reactor, not a read model: it appends to
 * scoring's log (in the consumer's transaction, so exactly once) and is never rebuilt.
 */
@EventConsumer({ name: 'score-publisher', context: 'guardian' })
@Injectable()
export class ScorePublisher {
  constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

  @On('OrgCreated')
  async orgCreated(tx: SchemaTx, e: AnyEnvelope) {
    const org = OrgCreated.parse(e.data)
    const { score, reasons } = scoreNewOrg({ createdAt: org.createdAt })
    const data: ScoreChanged = {
      subjectKind: 'org',
      subjectId: org.orgId,
      score,
      previousScore: null,
      modelVersion: ORG_MODEL_VERSION,
      reasons,
    }
    await this.log.append(
      `score-org-${org.orgId}`,
      'any',
      [{ type: 'ScoreChanged', data }],
      causedBy(e, 'scoring'),
      tx,
    )
  }
}
