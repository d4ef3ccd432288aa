import { sql } from 'kysely'
import type { GuardRule } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import type { OrgPolicy } from '../domain/action/check.ts'
import {
  DEFAULT_APPROVAL_WINDOW_SECONDS,
  compileStoredPolicy,
} from '../domain/policy/org-policy.ts'

type Db = SchemaDb | SchemaTx

export interface GuardPolicyView {
  orgId: string
  /** 0 until the org sets a policy: no rules, UTC, the default approval window. */
  version: number
  timezone: string
  approvalWindowSeconds: number
  rules: GuardRule[]
  updatedAt: string | null
}

/** The view, with the rules compiled for checks. */
export interface GuardPolicy extends GuardPolicyView {
  compiled: OrgPolicy
}

/** The org's policy with its rules compiled once, as the check cache keeps it. */
export async function loadGuardPolicy(db: Db, schema: string, orgId: string): Promise<GuardPolicy> {
  const view = await findGuardPolicy(db, schema, orgId)
  return { ...view, compiled: compileStoredPolicy(view) }
}

export async function findGuardPolicy(
  db: Db,
  schema: string,
  orgId: string,
): Promise<GuardPolicyView> {
  const { rows } = await sql<{
    version: number
    timezone: string
    approval_window_seconds: number
    rules: GuardRule[]
    updated_at: Date
  }>`select version, timezone, approval_window_seconds, rules, updated_at
    from ${sql.id(schema)}.guard_policies where org_id = ${orgId}`.execute(db)
  const r = rows[0]
  const view: GuardPolicyView = r
    ? {
        orgId,
        version: r.version,
        timezone: r.timezone,
        approvalWindowSeconds: r.approval_window_seconds,
        rules: r.rules,
        updatedAt: r.updated_at.toISOString(),
      }
    : {
        orgId,
        version: 0,
        timezone: 'UTC',
        approvalWindowSeconds: DEFAULT_APPROVAL_WINDOW_SECONDS,
        rules: [],
        updatedAt: null,
      }
  return view
}
