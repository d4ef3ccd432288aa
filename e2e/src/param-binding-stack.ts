/**
 * Guardian, ingest and pacts in this process, on one Postgres (a schema each) and one stream
 * prefix, as the param-binding integration test and bench need them: telemetry goes in through
 * ingest's API, pacts reads it from TELEMETRY, guardian learns pacts from PACTS. The pacts API
 * is built elsewhere, so `registerPact` appends `PactRegistered` to pacts' log directly (with
 * pacts' inline projections, as its API will).
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { ulid } from 'ulid'
import type { PactCondition, PactRegistered, PactTerms } from '@tessera/contracts'
import { connectBus, deleteStreams } from '@tessera/bus'
import { pactHash, sha256Hex } from '@tessera/crypto'
import { EventLog } from '@tessera/service-kit'
import {
  type InProcessService,
  eventually,
  freshStreamPrefix,
  startInProcess,
  testNatsUrl,
} from '@tessera/testing'
// Services' definitions: their package entry points (main.ts) start them, so these are imported
// by path, as bench/guard.bench.ts does.
// eslint-disable-next-line no-restricted-imports -- see above
import { guardian } from '@tessera/guardian-service/src/service.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import { ingest } from '@tessera/ingest-service/src/service.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import { pacts } from '@tessera/pacts-service/src/service.ts'

const BOOTSTRAP = `param-binding-${randomBytes(8).toString('hex')}`

export interface BindingParty {
  agentId: string
  orgId: string
}

export interface ParamBindingStack {
  prefix: string
  guardian: InProcessService
  ingest: InProcessService
  pacts: InProcessService
  /** A new org's admin key, once ingest knows it. */
  org(name: string): Promise<{ apiKey: string; orgId: string }>
  /** A new agent of the key's org, once ingest knows it. */
  agent(apiKey: string, capabilities: string[]): Promise<BindingParty>
  /** An active pact between the two, bound by `conditions`; resolves once guardian holds it. */
  registerPact(
    buyer: BindingParty,
    seller: BindingParty,
    conditions: PactCondition[],
  ): Promise<string>
  /** The `ParamBindingViolated` events in pacts' log. */
  violations(): Promise<{ streamId: string; data: Record<string, unknown> }[]>
  stop(): Promise<void>
}

export async function startParamBindingStack(): Promise<ParamBindingStack> {
  const prefix = freshStreamPrefix()
  const env = { TESSERA_STREAM_PREFIX: prefix }
  const g = await startInProcess(guardian, { env: { ...env, TESSERA_BOOTSTRAP_TOKEN: BOOTSTRAP } })
  const i = await startInProcess(ingest, { env: { ...env, INGEST_CATCH_UP_INTERVAL_MS: '500' } })
  const p = await startInProcess(pacts, { env })
  const count = async (s: InProcessService, table: string, where: ReturnType<typeof sql>) => {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.id(s.schema, table)}
      where ${where}`.execute(s.db)
    return Number(rows[0]?.n ?? 0)
  }
  const post = async (path: string, key: string, body: unknown) => {
    const res = await fetch(`${g.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`)
    return (await res.json()) as Record<string, unknown>
  }
  return {
    prefix,
    guardian: g,
    ingest: i,
    pacts: p,
    async org(name) {
      const { apiKey, orgId } = (await post('/v1/orgs', BOOTSTRAP, { name })) as {
        apiKey: string
        orgId: string
      }
      const keyHash = sha256Hex(apiKey)
      await eventually(
        async () => (await count(i, 'api_keys', sql`key_hash = ${keyHash}`)) || undefined,
        {
          what: 'ingest to learn the key',
        },
      )
      return { apiKey, orgId }
    },
    async agent(apiKey, capabilities) {
      const a = await post('/v1/agents', apiKey, {
        name: 'bound',
        framework: 'vitest',
        capabilities,
      })
      const agentId = String(a['id'])
      await eventually(
        async () => (await count(i, 'known_agents', sql`agent_id = ${agentId}`)) || undefined,
        { what: 'ingest to learn the agent' },
      )
      return { agentId, orgId: String(a['orgId']) }
    },
    async registerPact(buyer, seller, conditions) {
      const pactId = await appendPactRegistered(p, buyer, seller, conditions)
      await eventually(
        async () => (await count(g, 'pact_bindings', sql`pact_id = ${pactId}`)) || undefined,
        { what: 'guardian to learn the pact' },
      )
      return pactId
    },
    async violations() {
      const { rows } = await sql<{ stream_id: string; data: Record<string, unknown> }>`
        select stream_id, data from ${sql.id(p.schema, 'events')}
        where type = 'ParamBindingViolated' order by position`.execute(p.db)
      return rows.map((r) => ({ streamId: r.stream_id, data: r.data }))
    },
    async stop() {
      for (const s of [p, i, g]) await s.stop()
      // each one's stop() removed the streams of the prefix startInProcess made, not of this one
      const nc = await connectBus({ url: testNatsUrl(), name: 'param-binding-cleanup' })
      await deleteStreams(nc, prefix).catch(() => undefined)
      await nc.drain()
    },
  }
}

/**
 * Appends an active pact between `buyer` and `seller`, bound by `conditions`, to pacts' log
 * with its inline projections (as the pacts API will); the signatures are placeholders, since
 * checking them is the API's. Returns the pact id.
 */
export async function appendPactRegistered(
  p: InProcessService,
  buyer: BindingParty,
  seller: BindingParty,
  conditions: PactCondition[],
): Promise<string> {
  const pactId = `pact_${ulid().toLowerCase()}`
  const now = new Date()
  const terms: PactTerms = {
    proposedBy: buyer.agentId,
    proposedTo: seller.agentId,
    capability: 'payments',
    taskDescription: 'pay the invoices on the allowlist',
    deliverableFormat: 'application/json',
    conditions,
    deadlineUtc: new Date(now.getTime() + 86_400_000).toISOString(),
    payment: { amount: '500000000', currency: 'USDC' },
    escrowArbiter: 'tessera',
    proposedAt: now.toISOString(),
    nonce: randomBytes(12).toString('hex'),
  }
  const data: PactRegistered = {
    pactId,
    pactHash: pactHash(terms),
    terms,
    buyer,
    seller,
    buyerSignature: 'a'.repeat(128),
    sellerSignature: 'b'.repeat(128),
    registeredAt: now.toISOString(),
  }
  const log = new EventLog(p.db, p.schema, pacts.projections ?? [])
  await log.append(`pact-${pactId}`, 'no_stream', [{ type: 'PactRegistered', data }], {
    actor: { kind: 'system', id: 'param-binding-test' },
  })
  return pactId
}
