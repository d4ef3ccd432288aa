import { jetstream } from '@nats-io/jetstream'
import { sql } from 'kysely'
import { publishEnvelopes } from '@tessera/bus'
import { sha256Hex } from '@tessera/service-kit'
import { type InProcessService, eventually, metadataFor } from '@tessera/testing'

/** Test helpers for escrow's HTTP specs: a JSON call, a key's org, agents from guardian. */
export function caller(svc: () => InProcessService) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    key: string,
    body?: unknown,
  ) {
    const res = await fetch(`${svc().url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as T & Record<string, unknown> }
  }
}

export async function orgOf(svc: InProcessService, key: string): Promise<string> {
  const { rows } = await sql<{ org_id: string }>`select org_id
    from ${sql.id(svc.schema)}.api_keys where key_hash = ${sha256Hex(key)}`.execute(svc.db)
  return rows[0]!.org_id
}

/** Publishes guardian's `AgentRegistered` for each agent and waits for their wallets. */
export async function registerAgents(
  svc: InProcessService,
  agents: { agentId: string; orgId: string }[],
): Promise<void> {
  const registered = ({ agentId, orgId }: { agentId: string; orgId: string }) => ({
    type: 'AgentRegistered',
    data: {
      agentId,
      orgId,
      name: 'a',
      framework: 'test',
      capabilities: [],
      handle: '0123abcd',
      registeredAt: new Date().toISOString(),
    },
    metadata: metadataFor(`agent-${agentId}`),
  })
  await publishEnvelopes(jetstream(svc.nc), 'guardian', agents.map(registered), svc.prefix)
  await eventually(
    async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n
        from ${sql.id(svc.schema)}.ledger_accounts
        where account_id in (${sql.join(agents.map((a) => `acct_${a.agentId}`))})`.execute(svc.db)
      return rows[0]!.n === agents.length || undefined
    },
    { what: 'the agents’ wallets' },
  )
}
