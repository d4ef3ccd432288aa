import { Module } from '@nestjs/common'
import { ArdenController } from './http/arden.controller.ts'
import { RequestKeys } from './http/request-key.ts'
import { TelemetryQueriesController } from './http/telemetry-queries.controller.ts'
import { TelemetryController } from './http/telemetry.controller.ts'
import { BusIntakeConsumer } from './intake/bus-intake.consumer.ts'
import { IntakeService } from './intake/intake.service.ts'
import { KnownAgentsProjection } from './intake/known-agents.projection.ts'
import { TelemetryLog } from './log/telemetry-log.ts'
import { OrgProvisioningReactor } from './redaction/org-provisioning.reactor.ts'
import { RedactionController } from './redaction/redaction.controller.ts'

@Module({
  controllers: [
    ArdenController,
    TelemetryController,
    TelemetryQueriesController,
    RedactionController,
  ],
  providers: [
    RequestKeys,
    TelemetryLog,
    IntakeService,
    BusIntakeConsumer,
    KnownAgentsProjection,
    OrgProvisioningReactor,
  ],
})
export class IngestModule {}
