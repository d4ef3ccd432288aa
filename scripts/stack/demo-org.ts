import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { type DemoAgent, asDemoAgent, ensureDemoAgent, parseObject } from './demo-agent.ts'

/** The demo org: enough to reuse it on the next start. */
export interface DemoOrg {
  orgId: string
  name: string
  apiKey: string
  keyId: string
  /** `host:port/db`, without credentials: a different database means a different org. */
  database: string
  createdAt: string
}

/** What `.tessera/demo.json` holds: the org, and its agent once there is one. */
type Saved = DemoOrg & { agent?: DemoAgent }

export interface DemoOrgOptions {
  file: string
  guardianUrl: string
  scoringUrl: string
  bootstrapToken: string
  databaseUrl: string
  fetch?: typeof fetch
  /** How long to wait for scoring to show a new org's profile. */
  profileWaitMs?: number
  /** How long scoring may take to confirm the saved org after a restart. */
  recheckMs?: number
  now?: () => Date
}

export interface DemoOrgResult {
  org: DemoOrg
  reused: boolean
  /** Whether scoring already serves its trust profile. */
  profileVisible: boolean
  /** The org's demo agent, with its key pair. */
  agent: DemoAgent
  agentReused: boolean
}

/**
 * Reuses the org in `file` when it belongs to this database and scoring still knows it;
 * otherwise asks guardian for a new one with the bootstrap token and remembers it. Then the
 * same for its demo agent, which guardian must still have, active.
 */
export async function ensureDemoOrg(opts: DemoOrgOptions): Promise<DemoOrgResult> {
  const http = opts.fetch ?? fetch
  const database = databaseOf(opts.databaseUrl)
  const stored = await load(opts.file)
  const reusable =
    stored?.org.database === database &&
    (await profileExists(http, opts.scoringUrl, stored.org.orgId, opts.recheckMs ?? 5000))
  const org = reusable ? stored.org : await createOrg(http, opts, database)
  // saved at once: should the agent fail, the next start still finds the org
  if (!reusable) await save(opts.file, org)
  const { agent, reused: agentReused } = await ensureDemoAgent({
    guardianUrl: opts.guardianUrl,
    apiKey: org.apiKey,
    stored: reusable ? stored.agent : undefined,
    fetch: http,
  })
  if (!agentReused) await save(opts.file, { ...org, agent })
  const profileVisible =
    reusable ||
    (await profileExists(http, opts.scoringUrl, org.orgId, opts.profileWaitMs ?? 15_000))
  return { org, reused: reusable, profileVisible, agent, agentReused }
}

async function createOrg(
  http: typeof fetch,
  opts: DemoOrgOptions,
  database: string,
): Promise<DemoOrg> {
  const url = `${opts.guardianUrl}/v1/orgs`
  const res = await http(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.bootstrapToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Demo Org' }),
    signal: AbortSignal.timeout(10_000),
  })
  const text = await res.text()
  if (res.status !== 201) {
    const hint =
      res.status === 401 || res.status === 403
        ? ' (is TESSERA_BOOTSTRAP_TOKEN the one guardian has?)'
        : ''
    throw new Error(`POST ${url} answered ${res.status}${hint}: ${text.slice(0, 500)}`)
  }
  const body = parseObject(text)
  const { orgId, name, apiKey, keyId } = body ?? {}
  if (typeof orgId !== 'string' || typeof apiKey !== 'string' || typeof keyId !== 'string') {
    throw new Error(
      `POST ${url} answered 201 without orgId, apiKey and keyId: ${text.slice(0, 500)}`,
    )
  }
  const createdAt = (opts.now?.() ?? new Date()).toISOString()
  return {
    orgId,
    name: typeof name === 'string' ? name : 'Demo Org',
    apiKey,
    keyId,
    database,
    createdAt,
  }
}

/** Polls scoring's trust profile for up to `waitMs`: 200 means it knows the org. */
async function profileExists(
  http: typeof fetch,
  scoringUrl: string,
  orgId: string,
  waitMs: number,
): Promise<boolean> {
  const deadline = Date.now() + waitMs
  for (;;) {
    try {
      const res = await http(`${scoringUrl}/api/v1/trust/orgs/${encodeURIComponent(orgId)}`, {
        signal: AbortSignal.timeout(2000),
      })
      await res.body?.cancel()
      if (res.status === 200) return true
    } catch {
      // not answering right now; the deadline decides
    }
    if (Date.now() >= deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** `postgres://u:secret@127.0.0.1:5432/tessera` → `127.0.0.1:5432/tessera`. */
export function databaseOf(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl)
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`
  } catch {
    return databaseUrl
  }
}

async function load(file: string): Promise<{ org: DemoOrg; agent?: DemoAgent } | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return undefined
  }
  const o = parseObject(text)
  const fields = ['orgId', 'name', 'apiKey', 'keyId', 'database', 'createdAt'] as const
  if (!o || !fields.every((f) => typeof o[f] === 'string')) return undefined
  const org = Object.fromEntries(fields.map((f) => [f, o[f]])) as unknown as DemoOrg
  const agent = asDemoAgent(o['agent'])
  return agent ? { org, agent } : { org }
}

async function save(file: string, saved: Saved): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  // it holds an API key and a private key: readable by its owner only
  await writeFile(file, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 })
  await chmod(file, 0o600)
}
