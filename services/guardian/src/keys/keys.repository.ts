import { sql } from 'kysely'
import type { SchemaTx } from '@tessera/event-store'

/**
 * Locks the org's row until `tx` ends, so commands on one org's keys take turns: two keys
 * issued at once both succeed, and two admin keys revoking each other cannot both pass the
 * last-admin rule. Returns false when the org has no row.
 */
export async function lockOrg(tx: SchemaTx, schema: string, orgId: string): Promise<boolean> {
  const { rows } = await sql`select 1 from ${sql.id(schema)}.orgs
    where org_id = ${orgId} for update`.execute(tx)
  return rows.length > 0
}
