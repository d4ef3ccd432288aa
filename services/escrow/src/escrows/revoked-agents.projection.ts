import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import { AgentRevoked, type AnyEnvelope } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EventConsumer, On, SERVICE_SCHEMA } from '@tessera/service-kit'

/** The agents guardian revoked: a completion signed by a revoked seller's key is refused. */
@EventConsumer({ name: 'escrow-revoked-agents', context: 'guardian', rebuildable: true })
@Injectable()
export class RevokedAgentsProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('AgentRevoked')
  async revoked(tx: SchemaTx, e: AnyEnvelope) {
    const d = AgentRevoked.parse(e.data)
    await sql`insert into ${sql.id(this.schema)}.revoked_agents (agent_id, revoked_at)
      values (${d.agentId}, ${d.revokedAt}) on conflict (agent_id) do nothing`.execute(tx)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.revoked_agents`.execute(tx)
  }
}
