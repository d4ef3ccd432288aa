import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { databaseOf, ensureDemoOrg } from './demo-org.ts'
import type { DemoOrgOptions } from './demo-org.ts'
import type { DemoAgent } from './demo-agent.ts'

interface Call {
  method: string
  url: string
  headers: Record<string, string>
  body: string | undefined
}

/**
 * Guardian and scoring as a function: `knownOrgs` have a trust profile, `agents` are what
 * guardian has registered (id → status).
 */
function fakeStack(
  knownOrgs: Set<string>,
  guardianStatus = 201,
  agents = new Map<string, string>(),
) {
  const calls: Call[] = []
  let next = 1
  const json = (body: unknown, status: number) =>
    Promise.resolve(new Response(JSON.stringify(body), { status }))
  const http = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : input.toString()
    const method = init?.method ?? 'GET'
    calls.push({
      method,
      url,
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body as string | undefined,
    })
    if (method === 'POST' && url === 'http://g/v1/orgs') {
      if (guardianStatus !== 201) return json({ code: 'UNAUTHORIZED' }, guardianStatus)
      const orgId = `org_${next++}`
      knownOrgs.add(orgId)
      const body = { orgId, name: 'Demo Org', apiKey: `tsk_live_${orgId}`, keyId: `key_${orgId}` }
      return json(body, 201)
    }
    if (method === 'POST' && url === 'http://g/v1/agents') {
      const id = `agt_${agents.size + 1}`
      agents.set(id, 'active')
      const handle = `A-${String(agents.size).padStart(8, '0')}`
      return json({ id, handle, did: `did:key:z6Mk${id}`, status: 'active' }, 201)
    }
    const agent = /^http:\/\/g\/v1\/agents\/(.+)$/.exec(url)?.[1]
    if (agent && agents.has(agent)) {
      const handle = `A-${agent.slice(4).padStart(8, '0')}`
      return json({ id: agent, handle, status: agents.get(agent) }, 200)
    }
    const match = /^http:\/\/s\/api\/v1\/trust\/orgs\/(.+)$/.exec(url)
    if (match?.[1] && knownOrgs.has(match[1])) return json({ score: 50 }, 200)
    return json({ code: 'NOT_FOUND' }, 404)
  }
  const typed: typeof fetch = http
  return { http: typed, calls, agents }
}

describe('the demo org', () => {
  let dir: string
  let opts: Omit<DemoOrgOptions, 'fetch'>

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-demo-'))
    opts = {
      file: join(dir, '.tessera', 'demo.json'),
      guardianUrl: 'http://g',
      scoringUrl: 'http://s',
      bootstrapToken: 'dev-bootstrap-token',
      databaseUrl: 'postgres://postgres:pw@127.0.0.1:5432/tessera',
      profileWaitMs: 0,
      recheckMs: 0,
    }
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('is created through guardian with the bootstrap token and saved for the owner only', async () => {
    const { http, calls } = fakeStack(new Set())
    const result = await ensureDemoOrg({ ...opts, fetch: http })
    expect(result).toMatchObject({
      reused: false,
      profileVisible: true,
      org: { orgId: 'org_1', apiKey: 'tsk_live_org_1' },
    })
    const post = calls.find((c) => c.method === 'POST')
    expect(post?.url).toBe('http://g/v1/orgs')
    expect(post?.headers['authorization']).toBe('Bearer dev-bootstrap-token')
    expect(JSON.parse(post?.body ?? '')).toEqual({ name: 'Demo Org' })
    const saved = JSON.parse(await readFile(opts.file, 'utf8')) as Record<string, unknown>
    expect(saved).toMatchObject({
      orgId: 'org_1',
      keyId: 'key_org_1',
      database: '127.0.0.1:5432/tessera',
    })
    expect(JSON.stringify(saved)).not.toContain('pw')
    expect((await stat(opts.file)).mode & 0o777).toBe(0o600)
  })

  it('is reused on the next start while scoring still knows it', async () => {
    const known = new Set<string>()
    const agents = new Map<string, string>()
    await ensureDemoOrg({ ...opts, fetch: fakeStack(known, 201, agents).http })
    const again = fakeStack(known, 201, agents)
    const result = await ensureDemoOrg({ ...opts, fetch: again.http })
    expect(result).toMatchObject({ reused: true, org: { orgId: 'org_1' } })
    expect(again.calls.some((c) => c.method === 'POST')).toBe(false)
  })

  it('is created anew when the database was wiped or is another one', async () => {
    await ensureDemoOrg({ ...opts, fetch: fakeStack(new Set()).http })
    const wiped = await ensureDemoOrg({ ...opts, fetch: fakeStack(new Set()).http })
    expect(wiped.reused).toBe(false)

    const known = new Set(['org_1'])
    const other = fakeStack(known)
    const elsewhere = await ensureDemoOrg({
      ...opts,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/other',
      fetch: other.http,
    })
    expect(elsewhere.reused).toBe(false)
    expect(elsewhere.agentReused).toBe(false)
    const posts = other.calls.filter((c) => c.method === 'POST').map((c) => c.url)
    expect(posts).toEqual(['http://g/v1/orgs', 'http://g/v1/agents'])
  })

  it('comes with an agent, registered with the org key and saved with its key pair', async () => {
    const { http, calls } = fakeStack(new Set())
    const result = await ensureDemoOrg({ ...opts, fetch: http })
    expect(result).toMatchObject({ agentReused: false, agent: { agentId: 'agt_1' } })
    const post = calls.find((c) => c.url === 'http://g/v1/agents')
    expect(post?.headers['authorization']).toBe('Bearer tsk_live_org_1')
    const saved = JSON.parse(await readFile(opts.file, 'utf8')) as { agent: DemoAgent }
    expect(saved.agent).toEqual(result.agent)
    expect(saved.agent).toMatchObject({ handle: 'A-00000001', did: 'did:key:z6Mkagt_1' })
    expect(saved.agent.publicKey).toBe(
      (JSON.parse(post?.body ?? '') as { publicKey: string }).publicKey,
    )
  })

  it("keeps the agent while guardian has it active, and replaces it once it isn't", async () => {
    const known = new Set<string>()
    const agents = new Map<string, string>()
    const first = await ensureDemoOrg({ ...opts, fetch: fakeStack(known, 201, agents).http })
    const again = await ensureDemoOrg({ ...opts, fetch: fakeStack(known, 201, agents).http })
    expect(again).toMatchObject({ reused: true, agentReused: true, agent: first.agent })

    agents.set(first.agent.agentId, 'revoked')
    const replaced = await ensureDemoOrg({ ...opts, fetch: fakeStack(known, 201, agents).http })
    expect(replaced).toMatchObject({
      reused: true,
      agentReused: false,
      agent: { agentId: 'agt_2' },
    })
    const saved = JSON.parse(await readFile(opts.file, 'utf8')) as {
      orgId: string
      agent: DemoAgent
    }
    expect(saved).toMatchObject({ orgId: 'org_1', agent: { agentId: 'agt_2' } })
  })

  it('gives an org saved before agents existed an agent, keeping the org', async () => {
    const known = new Set<string>()
    await ensureDemoOrg({ ...opts, fetch: fakeStack(known).http })
    const { agent: _agent, ...orgOnly } = JSON.parse(await readFile(opts.file, 'utf8')) as Record<
      string,
      unknown
    >
    await writeFile(opts.file, JSON.stringify(orgOnly))
    const result = await ensureDemoOrg({ ...opts, fetch: fakeStack(known).http })
    expect(result).toMatchObject({ reused: true, agentReused: false, org: { orgId: 'org_1' } })
  })

  it('ignores a damaged demo.json', async () => {
    await ensureDemoOrg({ ...opts, fetch: fakeStack(new Set()).http })
    await writeFile(opts.file, '{"orgId": 3')
    const result = await ensureDemoOrg({ ...opts, fetch: fakeStack(new Set(['org_1'])).http })
    expect(result.reused).toBe(false)
  })

  it('explains a refused bootstrap token', async () => {
    const { http } = fakeStack(new Set(), 401)
    await expect(ensureDemoOrg({ ...opts, fetch: http })).rejects.toThrow(
      /answered 401 \(is TESSERA_BOOTSTRAP_TOKEN/,
    )
  })

  it('names the database without its credentials', () => {
    expect(databaseOf('postgres://u:secret@db.local/tessera')).toBe('db.local:5432/tessera')
  })
})
