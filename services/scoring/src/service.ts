import { type ServiceDefinition, serviceEnv } from '@tessera/service-kit'
import { scoringMigrations } from './migrations.ts'
import { ScorePublisher } from './profiles/score-publisher.reactor.ts'
import { TrustProfileProjection } from './profiles/trust-profile.projection.ts'
import { ScoringModule } from './scoring.module.ts'

const ScoringEnv = serviceEnv('scoring')

export const scoring: ServiceDefinition<typeof ScoringEnv> = {
  name: 'scoring',
  context: 'scoring',
  module: ScoringModule,
  consumers: [TrustProfileProjection, ScorePublisher],
  migrations: scoringMigrations,
  env: ScoringEnv,
}
