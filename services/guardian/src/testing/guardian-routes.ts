import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Json, callJson } from './guardian-harness.ts'

/** Ids of one org's resources, by name: `:name` in a {@link Route}'s path. */
export type OrgIds = Record<string, string>

/** One of guardian's routes, as the fuzz suite calls it. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT'
  /** `:name` segments are filled from {@link OrgIds} or by the fuzzer. */
  path: string
  /** A valid body: the shape the fuzzer builds its bodies from. */
  body?: () => Json
  /** The query parameters the route reads. */
  query?: string[]
  auth?: 'bootstrap'
}

/**
 * One of each of an org's resources, by name: agents, token, session, check with its approval,
 * delegation, and a second key (a fuzzer revoking keys never gets the one it calls with).
 */
export async function seedOrg(url: string, key: string): Promise<OrgIds> {
  const ids: OrgIds = {}
  const ok = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await callJson(url, method, path, key, body)
    if (res.status >= 300) throw new Error(`setup ${method} ${path}: ${res.status}`)
    return res.body
  }
  const agent = (name: string) =>
    ok('POST', '/v1/agents', { name, framework: 't', capabilities: ['web:search', 'db:*'] })
  ids['agent'] = String((await agent('a1'))['id'])
  ids['peer'] = String((await agent('a2'))['id'])
  const token = await ok('POST', '/v1/tokens', { agentId: ids['agent'], scopes: ['web:search'] })
  ids['token'] = String(token['tokenId'])
  ids['tokenSecret'] = String(token['token'])
  const session = await ok('POST', '/v1/sessions', {
    agentId: ids['agent'],
    serverId: 's',
    mode: 'supervised',
  })
  ids['session'] = String(session['sessionId'])
  const check = await ok('POST', '/v1/actions/check', {
    agentId: ids['agent'],
    toolName: 'db_delete',
    sessionId: ids['session'],
  })
  ids['check'] = String(check['checkId'])
  ids['approval'] = String(check['approvalId'])
  const delegation = await ok('POST', '/v1/delegations', {
    fromAgentId: ids['agent'],
    toAgentId: ids['peer'],
    scope: ['web:search'],
    ttlSeconds: 600,
  })
  ids['delegation'] = String(delegation['delegationId'])
  ids['key'] = String((await ok('POST', '/v1/keys', { name: 'm', role: 'member' }))['keyId'])
  return ids
}

const PAGE = ['limit', 'cursor']
/** Every route guardian serves, with a valid body and the query it reads. */
export const guardianRoutes = (ids: OrgIds): Route[] => [
  { method: 'POST', path: '/v1/orgs', body: () => ({ name: 'Fuzz org' }), auth: 'bootstrap' },
  { method: 'GET', path: '/v1/orgs/me' },
  { method: 'POST', path: '/v1/keys', body: () => ({ name: 'k', role: 'member' }) },
  { method: 'GET', path: '/v1/keys', query: ['status'] },
  { method: 'POST', path: '/v1/keys/:key/revoke' },
  {
    method: 'POST',
    path: '/v1/agents',
    body: () => ({
      name: 'n',
      framework: 'f',
      capabilities: ['web:search'],
      metadata: { team: 'x', n: 1 },
    }),
  },
  { method: 'GET', path: '/v1/agents', query: [...PAGE, 'status'] },
  { method: 'GET', path: '/v1/agents/:agent' },
  { method: 'POST', path: '/v1/agents/:peer/revoke', body: () => ({ reason: 'r' }) },
  {
    method: 'POST',
    path: '/v1/agents/:agent/card',
    body: () => ({
      description: 'd',
      version: '1',
      skills: [{ id: 'web:search', name: 'S', tags: ['t'], examples: ['e'] }],
    }),
  },
  { method: 'POST', path: '/v1/agents/:agent/card/publish', body: () => ({ description: 'd' }) },
  { method: 'POST', path: '/v1/agents/:agent/card/unpublish' },
  { method: 'GET', path: '/a2a/agents/:agent/agent-card.json' },
  { method: 'GET', path: '/a2a/jwks.json' },
  {
    method: 'POST',
    path: '/v1/tokens',
    body: () => ({
      agentId: ids['agent'],
      scopes: ['web:search'],
      audience: ['a'],
      ttlSeconds: 60,
    }),
  },
  {
    method: 'POST',
    path: '/v1/tokens/introspect',
    body: () => ({ token: ids['tokenSecret'], target: 't', requiredScopes: ['web:search'] }),
  },
  { method: 'POST', path: '/v1/tokens/:token/revoke' },
  {
    method: 'POST',
    path: '/v1/sessions',
    body: () => ({
      agentId: ids['agent'],
      serverId: 's',
      mode: 'supervised',
      scopeCeiling: ['web:search'],
    }),
  },
  { method: 'GET', path: '/v1/sessions/:session' },
  {
    method: 'POST',
    path: '/v1/actions/check',
    body: () => ({
      agentId: ids['agent'],
      toolName: 'db_delete',
      sessionId: ids['session'],
      toolInputSummary: 'drop it',
      actionEffect: 'write',
      params: { amount: 5, to: 'x' },
    }),
  },
  {
    method: 'GET',
    path: '/v1/actions/checks',
    query: [...PAGE, 'agentId', 'sessionId', 'decision', 'rule', 'from', 'to'],
  },
  { method: 'GET', path: '/v1/actions/checks/:check' },
  { method: 'GET', path: '/v1/approvals', query: [...PAGE, 'status', 'agentId'] },
  { method: 'GET', path: '/v1/approvals/:approval' },
  {
    method: 'POST',
    path: '/v1/approvals/:approval/approve',
    body: () => ({ decidedBy: 'd', reason: 'r' }),
  },
  {
    method: 'POST',
    path: '/v1/approvals/:approval/deny',
    body: () => ({ decidedBy: 'd', reason: 'r' }),
  },
  {
    method: 'POST',
    path: '/v1/delegations',
    body: () => ({
      fromAgentId: ids['agent'],
      toAgentId: ids['peer'],
      scope: ['web:search'],
      ttlSeconds: 60,
    }),
  },
  { method: 'GET', path: '/v1/delegations', query: [...PAGE, 'agentId', 'status'] },
  { method: 'GET', path: '/v1/delegations/:delegation' },
  { method: 'POST', path: '/v1/delegations/:delegation/revoke', body: () => ({ reason: 'r' }) },
  {
    method: 'POST',
    path: '/v1/delegations/:delegation/sessions',
    body: () => ({ serverId: 's', mode: 'restricted' }),
  },
  { method: 'GET', path: '/v1/guard/policy' },
  {
    method: 'PUT',
    path: '/v1/guard/policy',
    body: () => ({
      rules: [{ name: 'r1', decision: 'deny', tools: ['transfer_funds'], reason: 'no' }],
      timezone: 'UTC',
      approvalWindowSeconds: 600,
    }),
  },
]

/** `METHOD /path` of every route guardian's controllers declare, read from their source. */
export function declaredRoutes(): string[] {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..')
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.controller.ts'))
    .flatMap((f) => {
      const src = readFileSync(join(dir, f), 'utf8')
      const prefix = /@Controller\('([^']*)'\)/.exec(src)?.[1] ?? ''
      return [...src.matchAll(/@(Get|Post|Put|Patch|Delete)\((?:'([^']*)')?\)/g)].map(
        ([, method, sub]) => `${method!.toUpperCase()} /${[prefix, sub].filter(Boolean).join('/')}`,
      )
    })
}
