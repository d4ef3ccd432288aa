import { z } from 'zod'
import { BaseEnv, type ServiceDefinition } from '@tessera/service-kit'
import { IngestModule } from './ingest.module.ts'
import { ingestMigrations } from './migrations.ts'
import { OrgProvisioningReactor } from './redaction/org-provisioning.reactor.ts'
import { RedactionPoliciesProjection } from './redaction/redaction-policies.projection.ts'

const IngestEnv = BaseEnv.extend({ PORT: z.coerce.number().int().min(0).max(65535).default(8081) })

export const ingest: ServiceDefinition<typeof IngestEnv> = {
  name: 'ingest',
  context: 'telemetry',
  module: IngestModule,
  consumers: [RedactionPoliciesProjection, OrgProvisioningReactor],
  migrations: ingestMigrations,
  env: IngestEnv,
}
