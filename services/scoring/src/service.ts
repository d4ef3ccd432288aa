import { z } from 'zod'
import { type ServiceDefinition, registerRateLimit, serviceEnv } from '@tessera/service-kit'
import { trustEvidenceConsumers } from './agents/trust-evidence.consumers.ts'
import { ModelVersionReprofiler } from './agents/model-version.worker.ts'
import { scoringMigrations } from './migrations.ts'
import { ScorePublisher } from './profiles/score-publisher.reactor.ts'
import { TrustProfileProjection } from './profiles/trust-profile.projection.ts'
import { ScoringModule } from './scoring.module.ts'

const ScoringEnv = serviceEnv('scoring').extend({
  /** Above this trade value (µUSDC) `evaluate` starts from the high-value preset ($5,000). */
  SCORING_HIGH_VALUE_MICRO: z
    .string()
    .regex(/^\d{1,38}$/)
    .default('5000000000')
    .transform((v) => BigInt(v)),
  /**
   * `GET /api/v1/trust/:id/explain` per client IP and minute (0: no limit). Public, and its cost
   * grows with the agent's whole evidence, so it is the one trust route with a budget.
   */
  SCORING_EXPLAIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
})

export const scoring: ServiceDefinition<typeof ScoringEnv> = {
  name: 'scoring',
  context: 'scoring',
  module: ScoringModule,
  consumers: [TrustProfileProjection, ScorePublisher, ...trustEvidenceConsumers],
  workers: [ModelVersionReprofiler],
  migrations: scoringMigrations,
  env: ScoringEnv,
  async configure(app, config) {
    await registerRateLimit(
      app.getHttpAdapter().getInstance(),
      config.SCORING_EXPLAIN_RATE_LIMIT_PER_MINUTE,
    )
  },
}
