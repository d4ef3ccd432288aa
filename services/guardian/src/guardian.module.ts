import { Module } from '@nestjs/common'
import { OrgScoresProjection } from './orgs/org-scores.projection.ts'
import { OrgsController } from './orgs/orgs.controller.ts'

@Module({ controllers: [OrgsController], providers: [OrgScoresProjection] })
export class GuardianModule {}
