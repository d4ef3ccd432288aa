import { z } from 'zod'
import { BaseEnv, type ServiceDefinition } from '@tessera/service-kit'
import { scoringMigrations } from './migrations.ts'
import { ScorePublisher } from './profiles/score-publisher.reactor.ts'
import { TrustProfileProjection } from './profiles/trust-profile.projection.ts'
import { ScoringModule } from './scoring.module.ts'

const ScoringEnv = BaseEnv.extend({ PORT: z.coerce.number().int().min(0).max(65535).default(8086) })

export const scoring: ServiceDefinition<typeof ScoringEnv> = {
  name: 'scoring',
  context: 'scoring',
  module: ScoringModule,
  consumers: [TrustProfileProjection, ScorePublisher],
  migrations: scoringMigrations,
  env: ScoringEnv,
}
