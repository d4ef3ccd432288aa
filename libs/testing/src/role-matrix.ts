import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ulid } from 'ulid'
import {
  ROLES,
  type Role,
  newId,
  newSecret,
  recordApiKey,
  routeTable,
  sha256Hex,
} from '@tessera/service-kit'
import type { InProcessService } from './in-process.ts'

/** What docs/roles.md says of one role on one route. */
type Cell = 'yes' | 'no' | 'open'

export interface RoleMatrixRow {
  /** `POST /v1/approvals/:approvalId/approve` */
  route: string
  cells: Record<Role, Cell>
}

const ROLES_DOC = new URL('../../../docs/roles.md', import.meta.url)
const ROW =
  /^\|\s*`([A-Z]+ \S+)`\s*\|\s*(yes|no|open)\s*\|\s*(yes|no|open)\s*\|\s*(yes|no|open)\s*\|/

/**
 * The rows of docs/roles.md for `service`, with those of "every service". The doc's columns are
 * admin, member, approver, in that order.
 */
export function rolesDocRows(service: string): RoleMatrixRow[] {
  const rows: RoleMatrixRow[] = []
  let section = ''
  for (const line of readFileSync(ROLES_DOC, 'utf8').split('\n')) {
    const heading = /^### (.+)$/.exec(line)
    if (heading) section = heading[1]!.trim()
    const m = ROW.exec(line)
    if (!m || (section !== service && section !== 'every service')) continue
    const [admin, member, approver] = [m[2], m[3], m[4]] as [Cell, Cell, Cell]
    rows.push({ route: m[1]!, cells: { admin, member, approver } })
  }
  return rows
}

/** An active key of each role, all of one org. */
export type RoleKeys = Record<Role, string>

/**
 * Keys of each role for a service other than guardian, written to its `api_keys` table as its
 * projection of guardian's `ApiKeyIssued` would write them.
 */
export async function seedRoleKeys(svc: InProcessService): Promise<RoleKeys> {
  const orgId = newId('org')
  const keys = {} as RoleKeys
  for (const role of ROLES) keys[role] = await seedApiKey(svc, orgId, role)
  return keys
}

/** One active key of `role` for `orgId`, in a service other than guardian (see {@link seedRoleKeys}). */
export async function seedApiKey(
  svc: InProcessService,
  orgId: string,
  role: Role,
): Promise<string> {
  const apiKey = newSecret('tsk_live_')
  await recordApiKey(svc.db, svc.schema, {
    keyId: newId('key'),
    orgId,
    prefix: apiKey.slice(0, 12),
    keyHash: sha256Hex(apiKey),
    role,
    userId: ulid(),
    issuedAt: new Date().toISOString(),
  })
  return apiKey
}

interface Answer {
  status: number
  body: { code?: unknown; details?: { role?: unknown; allowed?: unknown } } | null
}

async function call(url: string, route: string, key: string | undefined): Promise<Answer> {
  const [method, path] = route.split(' ') as [string, string]
  // a made-up id for every path parameter: an allowed role gets past the guard to a 400 or 404
  const concrete = path.replace(/:[A-Za-z]+/g, 'role-matrix-x')
  const withBody = method !== 'GET' && method !== 'DELETE'
  const res = await fetch(`${url}${concrete}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(withBody ? { 'content-type': 'application/json' } : {}),
    },
    body: withBody ? '{}' : null,
  })
  const text = await res.text()
  let body: Answer['body'] = null
  try {
    body = JSON.parse(text) as Answer['body']
  } catch {
    // metrics answer in Prometheus' text format
  }
  return { status: res.status, body }
}

/**
 * The role matrix of one service, as tests: its running app's routes are exactly docs/roles.md's
 * rows for it, declared with the same roles, and each route answers each role's key as the doc
 * says: `no` is a 403 AUTH_DENIED naming the role, `yes` gets past the guard (no 401 or 403),
 * `open` is never refused for its role; and every route that is not `open` wants a key.
 */
export function describeRoleMatrix(
  service: string,
  start: () => Promise<{ svc: InProcessService; keys: RoleKeys }>,
): void {
  const rows = rolesDocRows(service)
  let svc: InProcessService
  let keys: RoleKeys

  describe(`${service}: the role matrix of docs/roles.md`, () => {
    beforeAll(async () => {
      ;({ svc, keys } = await start())
    })
    afterAll(async () => {
      await svc?.stop()
    })

    it('lists every route the app serves, and no other', () => {
      const served = routeTable(svc.service.app).map((r) => `${r.method} ${r.path}`)
      expect(rows.length).toBeGreaterThan(0)
      expect([...served].sort()).toEqual(rows.map((r) => r.route).sort())
    })

    it('gives each route the roles its code declares', () => {
      const declared = new Map(
        routeTable(svc.service.app).map((r) => [`${r.method} ${r.path}`, r.access]),
      )
      for (const row of rows) {
        const open = ROLES.every((role) => row.cells[role] === 'open')
        const access = declared.get(row.route)
        const expected = open ? 'no API key' : ROLES.filter((role) => row.cells[role] === 'yes')
        const actual = !access ? 'nothing' : 'noApiKey' in access ? 'no API key' : [...access.roles]
        expect(actual, row.route).toEqual(expected)
      }
    })

    it.each(rows)('$route', async (row) => {
      for (const role of ROLES) {
        const res = await call(svc.url, row.route, keys[role])
        const what = `${row.route} with a ${role} key: ${res.status} ${JSON.stringify(res.body)}`
        if (row.cells[role] === 'no') {
          expect(res.status, what).toBe(403)
          expect(res.body, what).toMatchObject({ code: 'AUTH_DENIED', details: { role } })
          const allowed = ROLES.filter((r) => row.cells[r] === 'yes')
          expect(res.body?.details?.allowed, what).toEqual(allowed)
        } else if (row.cells[role] === 'yes') {
          expect([401, 403], what).not.toContain(res.status)
        } else {
          expect(res.body?.details?.role, what).toBeUndefined()
        }
      }
      if (ROLES.some((role) => row.cells[role] !== 'open')) {
        const anonymous = await call(svc.url, row.route, undefined)
        expect(anonymous, row.route).toMatchObject({ status: 401, body: { code: 'AUTH_FAILED' } })
      }
    })
  })
}
