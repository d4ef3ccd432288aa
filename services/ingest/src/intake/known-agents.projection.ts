import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import { AgentRegistered, AgentRevoked, type AnyEnvelope } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EventConsumer, On, SERVICE_SCHEMA } from '@tessera/service-kit'

/** Which agents exist and whether they are active: what intake checks every event against. */
@EventConsumer({ name: 'known-agents', context: 'guardian', rebuildable: true })
@Injectable()
export class KnownAgentsProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('AgentRegistered')
  async registered(tx: SchemaTx, e: AnyEnvelope) {
    const a = AgentRegistered.parse(e.data)
    await sql`insert into ${sql.id(this.schema)}.known_agents
      (agent_id, org_id, handle, status, registered_at)
      values (${a.agentId}, ${a.orgId}, ${a.handle}, 'active', ${a.registeredAt})
      on conflict (agent_id) do nothing`.execute(tx)
  }

  @On('AgentRevoked')
  async revoked(tx: SchemaTx, e: AnyEnvelope) {
    const a = AgentRevoked.parse(e.data)
    await sql`update ${sql.id(this.schema)}.known_agents
      set status = 'revoked', revoked_at = ${a.revokedAt} where agent_id = ${a.agentId}`.execute(tx)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.known_agents`.execute(tx)
  }
}
