import { sql } from 'kysely'
import type { z } from 'zod'
import { jetstream } from '@nats-io/jetstream'
import { publishEnvelopes } from '@tessera/bus'
import type { InlineProjection, ServiceDefinition } from '@tessera/service-kit'
import { metadataFor } from './fixtures.ts'
import { startInProcess } from './in-process.ts'
import { expectRebuildEqualsLive } from './inline-rebuild.ts'
import { eventually } from './infra.ts'

/**
 * For a service that provisions every new org from guardian's `OrgCreated` into a read table of
 * its own log (escrow's accounts, jury's policies): publishes `orgs` new orgs as
 * guardian would, waits until the table has a row for each, then rebuilds the projection from
 * position 0 and expects the same rows. Returns the table's live row count.
 */
export async function expectProvisionedOrgsRebuild<E extends z.ZodObject>(
  def: ServiceDefinition<E>,
  projection: InlineProjection,
  table: string,
  orgs = 3,
): Promise<number> {
  const svc = await startInProcess(def)
  try {
    const orgIds = Array.from({ length: orgs }, (_, i) => `org_${String(i).padStart(26, '0')}`)
    await publishEnvelopes(
      jetstream(svc.nc),
      'guardian',
      orgIds.map((orgId) => ({
        type: 'OrgCreated',
        data: { orgId, name: `Org ${orgId}`, createdAt: new Date().toISOString() },
        metadata: metadataFor(`org-${orgId}`),
      })),
      svc.prefix,
    )
    await eventually(
      async () => {
        const { rows } = await sql<{ n: string }>`select count(distinct org_id) as n
          from ${sql.id(svc.schema, table)} where org_id in (${sql.join(orgIds)})`.execute(svc.db)
        return Number(rows[0]?.n) === orgs || undefined
      },
      { what: `${table} rows for ${orgs} new orgs` },
    )
    const counts = await expectRebuildEqualsLive(svc.db, svc.schema, [projection])
    return counts[table] ?? 0
  } finally {
    await svc.stop()
  }
}
