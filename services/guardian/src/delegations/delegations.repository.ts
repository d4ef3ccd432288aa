import { sql } from 'kysely'
import type { Delegation, DelegationRevoked, DelegationStatus, Page } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import { type PageCursor, pageOf } from '@tessera/service-kit'

type Db = SchemaDb | SchemaTx

export type { DelegationStatus }

/** A delegation as the API shows it: the contract's `Delegation`. */
export type DelegationView = Delegation

export type DelegationPage = Page<DelegationView>

interface DelegationRow {
  delegation_id: string
  org_id: string
  from_agent_id: string
  to_agent_id: string
  scope: string[]
  parent_delegation_id: string | null
  root_delegation_id: string
  depth: number
  created_at: Date
  expires_at: Date
  revoked_at: Date | null
  revoke_reason: DelegationRevoked['reason'] | null
  revoke_note: string | null
  cascaded_from: string | null
}

/**
 * Locks the tree the org's delegation belongs to, by its root's row, and answers the root's id;
 * undefined when the org has no such delegation. Every change to a tree (a re-delegation, a
 * revocation) takes this lock first, so a cascade never misses a child created beside it.
 */
export async function lockTreeOf(
  db: Db,
  schema: string,
  orgId: string,
  delegationId: string,
): Promise<string | undefined> {
  const s = sql.id(schema)
  const { rows } = await sql<{ root_delegation_id: string }>`select d.root_delegation_id
    from ${s}.delegations d join ${s}.delegations r on r.delegation_id = d.root_delegation_id
    where d.delegation_id = ${delegationId} and d.org_id = ${orgId}
    for update of r`.execute(db)
  return rows[0]?.root_delegation_id
}

/** Locks the org's delegation against revocation until the transaction ends. */
export async function shareDelegation(
  db: Db,
  schema: string,
  orgId: string,
  delegationId: string,
): Promise<boolean> {
  const { rows } = await sql`select 1 from ${sql.id(schema)}.delegations
    where delegation_id = ${delegationId} and org_id = ${orgId} for share`.execute(db)
  return rows.length > 0
}

/** Every delegation derived from this one, at any depth. */
export async function descendantIds(
  db: Db,
  schema: string,
  delegationId: string,
): Promise<string[]> {
  const s = sql.id(schema)
  const { rows } = await sql<{ delegation_id: string }>`with recursive below as (
      select delegation_id from ${s}.delegations where parent_delegation_id = ${delegationId}
      union
      select d.delegation_id from ${s}.delegations d
        join below b on d.parent_delegation_id = b.delegation_id)
    select delegation_id from below order by delegation_id`.execute(db)
  return rows.map((r) => r.delegation_id)
}

/** The unrevoked delegations from or to an agent, with their trees' roots: what its revocation ends. */
export async function liveDelegationsOf(
  db: Db,
  schema: string,
  agentId: string,
): Promise<{ delegationId: string; rootDelegationId: string }[]> {
  const { rows } = await sql<{ delegation_id: string; root_delegation_id: string }>`
    select delegation_id, root_delegation_id from ${sql.id(schema)}.delegations
    where (from_agent_id = ${agentId} or to_agent_id = ${agentId}) and revoked_at is null
    order by root_delegation_id, depth, delegation_id`.execute(db)
  return rows.map((r) => ({
    delegationId: r.delegation_id,
    rootDelegationId: r.root_delegation_id,
  }))
}

export async function findDelegation(
  db: Db,
  schema: string,
  orgId: string,
  delegationId: string,
  now: Date,
): Promise<DelegationView | undefined> {
  const { rows } = await sql<DelegationRow>`select * from ${sql.id(schema)}.delegations
    where org_id = ${orgId} and delegation_id = ${delegationId}`.execute(db)
  return rows[0] && toView(rows[0], now)
}

/** One page of the org's delegations, newest first; `agentId` matches delegator or delegate. */
export async function listDelegations(
  db: Db,
  schema: string,
  orgId: string,
  q: {
    agentId?: string | undefined
    status?: DelegationStatus | undefined
    limit: number
    after?: PageCursor | undefined
  },
  now: Date,
): Promise<DelegationPage> {
  const agent = q.agentId
    ? sql`and (from_agent_id = ${q.agentId} or to_agent_id = ${q.agentId})`
    : sql``
  const status =
    q.status === 'revoked'
      ? sql`and revoked_at is not null`
      : q.status === 'expired'
        ? sql`and revoked_at is null and expires_at <= ${now}`
        : q.status === 'active'
          ? sql`and revoked_at is null and expires_at > ${now}`
          : sql``
  const after = q.after
    ? sql`and (created_at, delegation_id) < (${q.after.at}::timestamptz, ${q.after.id})`
    : sql``
  const { rows } = await sql<DelegationRow>`select * from ${sql.id(schema)}.delegations
    where org_id = ${orgId} ${agent} ${status} ${after}
    order by created_at desc, delegation_id desc
    limit ${q.limit + 1}`.execute(db)
  return pageOf(
    rows.map((r) => toView(r, now)),
    q.limit,
    (d) => ({ at: d.createdAt, id: d.delegationId }),
  )
}

function toView(r: DelegationRow, now: Date): DelegationView {
  const status: DelegationStatus = r.revoked_at
    ? 'revoked'
    : r.expires_at.getTime() <= now.getTime()
      ? 'expired'
      : 'active'
  return {
    delegationId: r.delegation_id,
    orgId: r.org_id,
    fromAgentId: r.from_agent_id,
    toAgentId: r.to_agent_id,
    scope: r.scope,
    parentDelegationId: r.parent_delegation_id,
    rootDelegationId: r.root_delegation_id,
    depth: r.depth,
    status,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
    revokeReason: r.revoke_reason,
    revokeNote: r.revoke_note,
    cascadedFrom: r.cascaded_from,
  }
}
