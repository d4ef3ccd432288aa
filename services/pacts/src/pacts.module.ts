import { Module } from '@nestjs/common'
import { OrgProvisioningReactor } from './rooms/org-provisioning.reactor.ts'
import { RoomsController } from './rooms/rooms.controller.ts'
import { RoomsProjection } from './rooms/rooms.projection.ts'

@Module({ controllers: [RoomsController], providers: [RoomsProjection, OrgProvisioningReactor] })
export class PactsModule {}
