import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { v7 as uuidv7 } from 'uuid'
import { sql } from 'kysely'
import { jetstream } from '@nats-io/jetstream'
import { publishEnvelopes } from '@tessera/bus'
import type { OrgTrustProfile } from '@tessera/contracts'
import { type InProcessService, eventually, metadataFor, startInProcess } from '@tessera/testing'
import { scoring } from '../service.ts'

/** The org route's review flag lists at most 100 flagged agents, and counts them all. */

const ORG = 'org_0000000000000000000000rev1'
let svc: InProcessService

beforeAll(async () => {
  svc = await startInProcess(scoring)
  await publishEnvelopes(
    jetstream(svc.nc),
    'guardian',
    [
      {
        type: 'OrgCreated',
        data: { orgId: ORG, name: 'Review Org', createdAt: '2026-12-01T00:00:00.000Z' },
        metadata: { ...metadataFor('guardian'), eventId: uuidv7() },
      },
    ],
    svc.prefix,
  )
})
afterAll(async () => {
  await svc?.stop()
})

const agentId = (i: number) => `agt_${String(i).padStart(26, '0')}`

describe('an org under review', () => {
  it('counts all its flagged agents and lists the first 100 by id', async () => {
    // 101 flagged agents and one that is not: rows as the trust projection writes them (the
    // ring trades that flag 101 agents are beside the point here)
    const rows = Array.from({ length: 102 }, (_, i) => ({
      agent_id: agentId(101 - i),
      org_id: ORG,
      composite_score: 630,
      bond_tier: 0,
      flagged_counterparties: i < 101 ? [agentId(900)] : [],
      model_version: 'test',
      profile: '{}',
    }))
    await svc.db.withSchema(svc.schema).insertInto('agent_profiles').values(rows).execute()
    const org = await eventually(async () => {
      const r = await fetch(`${svc.url}/api/v1/trust/orgs/${ORG}`)
      return r.status === 200 ? ((await r.json()) as OrgTrustProfile) : undefined
    })
    const flagged = rows.filter((r) => r.flagged_counterparties.length > 0).map((r) => r.agent_id)
    expect(org).toMatchObject({
      underReview: true,
      flaggedAgentCount: 101,
      flaggedAgentIds: flagged.sort().slice(0, 100),
    })
    // the one agent not flagged is never listed
    expect(org.flaggedAgentIds).not.toContain(agentId(0))
    await sql`delete from ${sql.id(svc.schema)}.agent_profiles`.execute(svc.db)
    const none = (await (
      await fetch(`${svc.url}/api/v1/trust/orgs/${ORG}`)
    ).json()) as OrgTrustProfile
    expect(none).toMatchObject({ underReview: false, flaggedAgentCount: 0, flaggedAgentIds: [] })
  })
})
