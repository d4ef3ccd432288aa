import { sql } from 'kysely'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import type { WalletFacts } from '../domain/bond/bond.decider.ts'
import { agentAccountId } from '../domain/ledger/ledger.accounts.ts'

/**
 * The agent's wallet as the ledger has it: its org and what it can spend. Undefined when escrow
 * has no wallet for it (guardian never registered it, or its AgentRegistered has not arrived).
 */
export async function walletFacts(
  db: SchemaDb | SchemaTx,
  schema: string,
  agentId: string,
): Promise<WalletFacts | undefined> {
  const { rows } = await sql<{ org_id: string; available: string }>`select org_id,
      (credits_posted - debits_posted - debits_pending)::text as available
    from ${sql.id(schema)}.ledger_accounts
    where account_id = ${agentAccountId(agentId)} and kind = 'agent'`.execute(db)
  const row = rows[0]
  return row && { orgId: row.org_id, available: BigInt(row.available) }
}

/** How many escrows the agent is the seller of that are not released, refunded or settled. */
export async function openEscrowsAsSeller(
  db: SchemaDb | SchemaTx,
  schema: string,
  agentId: string,
): Promise<number> {
  // escrows is the lifecycle's own read table, written in the same transaction as its events
  const { rows } = await sql<{ n: number }>`select count(*)::int as n
    from ${sql.id(schema)}.escrows where seller_agent_id = ${agentId}
      and status not in ('released', 'refunded', 'settled')`.execute(db)
  return rows[0]!.n
}
