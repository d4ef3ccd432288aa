import { Module } from '@nestjs/common'
import { ScorePublisher } from './profiles/score-publisher.reactor.ts'
import { TrustProfileProjection } from './profiles/trust-profile.projection.ts'
import { TrustController } from './profiles/trust.controller.ts'

@Module({ controllers: [TrustController], providers: [TrustProfileProjection, ScorePublisher] })
export class ScoringModule {}
