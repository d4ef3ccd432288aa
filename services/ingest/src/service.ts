import { type ServiceDefinition, registerRateLimit } from '@tessera/service-kit'
import { registerOpenApi } from './http/openapi.ts'
import { RequestKeys } from './http/request-key.ts'
import { IngestEnv } from './ingest.env.ts'
import { IngestModule } from './ingest.module.ts'
import { KnownAgentsProjection } from './intake/known-agents.projection.ts'
import { ingestMigrations } from './migrations.ts'
import { OrgProvisioningReactor } from './redaction/org-provisioning.reactor.ts'
import { redactionPoliciesProjection } from './redaction/redaction-policies.projection.ts'

export const ingest: ServiceDefinition<typeof IngestEnv> = {
  name: 'ingest',
  context: 'telemetry',
  module: IngestModule,
  consumers: [OrgProvisioningReactor, KnownAgentsProjection],
  projections: [redactionPoliciesProjection],
  migrations: ingestMigrations,
  env: IngestEnv,
  async configure(app, config) {
    const fastify = app.getHttpAdapter().getInstance()
    const keys = app.get(RequestKeys)
    await registerRateLimit(
      fastify,
      config.INGEST_RATE_LIMIT_PER_MINUTE,
      async (req) => (await keys.of(req))?.keyId ?? null,
    )
    await registerOpenApi(fastify)
  },
}
