import { Module } from '@nestjs/common'
import { OrgProvisioningReactor } from './rooms/org-provisioning.reactor.ts'
import { RoomsController } from './rooms/rooms.controller.ts'
import { TelemetryBindingConsumer } from './param-binding/telemetry-binding.consumer.ts'

@Module({
  controllers: [RoomsController],
  providers: [OrgProvisioningReactor, TelemetryBindingConsumer],
})
export class PactsModule {}
