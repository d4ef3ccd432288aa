import { type ServiceDefinition, serviceEnv } from '@tessera/service-kit'
import { IngestModule } from './ingest.module.ts'
import { ingestMigrations } from './migrations.ts'
import { OrgProvisioningReactor } from './redaction/org-provisioning.reactor.ts'
import { RedactionPoliciesProjection } from './redaction/redaction-policies.projection.ts'

const IngestEnv = serviceEnv('ingest')

export const ingest: ServiceDefinition<typeof IngestEnv> = {
  name: 'ingest',
  context: 'telemetry',
  module: IngestModule,
  consumers: [RedactionPoliciesProjection, OrgProvisioningReactor],
  migrations: ingestMigrations,
  env: IngestEnv,
}
