import { sql } from 'kysely'
import { OrgCreated } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/** `orgs`: every org, named and timed by its `OrgCreated`. */
export const orgsProjection = inlineProjection({
  name: 'orgs',
  tables: ['orgs'],
  on: {
    OrgCreated: onEvent(OrgCreated, (tx, s, e) =>
      sql`insert into ${s}.orgs (org_id, name, created_at)
        values (${e.orgId}, ${e.name}, ${e.createdAt})`.execute(tx),
    ),
  },
})
