import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import { AgentRegistered, AgentRevoked, type AnyEnvelope } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'
import { EventConsumer, On, SERVICE_SCHEMA } from '@tessera/service-kit'

/**
 * Pacts' copy of guardian's agents: who each agent is (id, Arden handle, did:key), its org,
 * the Ed25519 key every pact signature is checked against, and whether it is revoked.
 */
@EventConsumer({ name: 'agent-directory', context: 'guardian', rebuildable: true })
@Injectable()
export class AgentDirectoryProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('AgentRegistered')
  async registered(tx: SchemaTx, e: AnyEnvelope) {
    const d = AgentRegistered.parse(e.data)
    await sql`insert into ${sql.id(this.schema)}.agent_directory
      (agent_id, org_id, handle, did, public_key, status)
      values (${d.agentId}, ${d.orgId}, ${d.handle}, ${d.did ?? null}, ${d.publicKey ?? null},
        'active')
      on conflict (agent_id) do nothing`.execute(tx)
  }

  @On('AgentRevoked')
  async revoked(tx: SchemaTx, e: AnyEnvelope) {
    const d = AgentRevoked.parse(e.data)
    await sql`update ${sql.id(this.schema)}.agent_directory set status = 'revoked'
      where agent_id = ${d.agentId}`.execute(tx)
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.agent_directory`.execute(tx)
  }
}
