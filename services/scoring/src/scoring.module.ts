import { Module } from '@nestjs/common'
import { AgentTrustController } from './agents/trust.controller.ts'
import { trustEvidenceConsumers } from './agents/trust-evidence.consumers.ts'
import { ModelVersionReprofiler } from './agents/model-version.worker.ts'
import { TelemetryTrustConsumer } from './agents/telemetry-trust.consumer.ts'
import { ScorePublisher } from './profiles/score-publisher.reactor.ts'
import { TrustProfileProjection } from './profiles/trust-profile.projection.ts'
import { TrustController } from './profiles/trust.controller.ts'

@Module({
  // TrustController's `orgs/:orgId` first: it must not be read as an agent id.
  controllers: [TrustController, AgentTrustController],
  providers: [
    TrustProfileProjection,
    ScorePublisher,
    ModelVersionReprofiler,
    TelemetryTrustConsumer,
    ...trustEvidenceConsumers,
  ],
})
export class ScoringModule {}
