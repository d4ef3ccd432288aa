import { Module } from '@nestjs/common'
import { OrgProvisioningReactor } from './rooms/org-provisioning.reactor.ts'
import { RoomsController } from './rooms/rooms.controller.ts'

@Module({ controllers: [RoomsController], providers: [OrgProvisioningReactor] })
export class PactsModule {}
