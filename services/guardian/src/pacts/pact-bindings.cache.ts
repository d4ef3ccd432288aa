import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import { activePactBindings } from '@tessera/conditions'
import type { SchemaDb } from '@tessera/event-store'
import { DB, SERVICE_SCHEMA } from '@tessera/service-kit'
import type { PactFacts } from '../domain/action/pact-binding.ts'

/** Past this many entries the map is emptied: a cache, not a copy of the table. */
const MAX_ENTRIES = 50_000

/**
 * Active pacts with their bindings compiled once, for the check's hot path. An active pact
 * never changes, so a hit needs no invalidation; a miss is not cached, so a pact announced on
 * PACTS after a check that did not find it is found by the next one.
 */
@Injectable()
export class PactBindingsCache {
  private readonly pacts = new Map<string, PactFacts>()

  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  /** A hit is returned synchronously; null when guardian holds no active pact of that id. */
  pact(pactId: string): PactFacts | null | Promise<PactFacts | null> {
    return this.pacts.get(pactId) ?? this.load(pactId)
  }

  private async load(pactId: string): Promise<PactFacts | null> {
    const { rows } = await sql<{
      buyer_agent_id: string
      buyer_org_id: string
      seller_agent_id: string
      seller_org_id: string
      conditions: unknown[]
    }>`select buyer_agent_id, buyer_org_id, seller_agent_id, seller_org_id, conditions
      from ${sql.id(this.schema)}.pact_bindings where pact_id = ${pactId}`.execute(this.db)
    const r = rows[0]
    if (!r) return null
    const pact = activePactBindings({
      pactId,
      buyer: { agentId: r.buyer_agent_id, orgId: r.buyer_org_id },
      seller: { agentId: r.seller_agent_id, orgId: r.seller_org_id },
      conditions: r.conditions,
    })
    if (this.pacts.size >= MAX_ENTRIES) this.pacts.clear()
    this.pacts.set(pactId, pact)
    return pact
  }
}
