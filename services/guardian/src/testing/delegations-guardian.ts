import { afterAll, beforeAll } from 'vitest'
import { GuardianHarness, type Json, callJson } from './guardian-harness.ts'

/**
 * Guardian for one delegations spec file: started before its tests with two orgs (A and B),
 * stopped after them. The helpers act as org A unless given another key.
 */
export function delegationsGuardian(bootstrapToken: string) {
  const t = { h: undefined as unknown as GuardianHarness, keyA: '', keyB: '' }
  const call = (method: string, path: string, key: string, body?: unknown) =>
    callJson(t.h.url, method, path, key, body)
  const orgKey = async (name: string) =>
    String((await call('POST', '/v1/orgs', bootstrapToken, { name })).body['apiKey'])

  beforeAll(async () => {
    t.h = await GuardianHarness.start(bootstrapToken)
    t.keyA = await orgKey('Delegations A')
    t.keyB = await orgKey('Delegations B')
  })
  afterAll(async () => {
    await t.h?.stop()
  })

  async function newAgent(capabilities: string[] = ['files:read', 'web:*'], key = t.keyA) {
    const body = { name: 'a', framework: 'test', capabilities }
    return String((await call('POST', '/v1/agents', key, body)).body['id'])
  }
  /** Creates one for org A (an hour unless `ttlSeconds` says otherwise); throws unless 201. */
  async function delegate(body: Json) {
    const res = await call('POST', '/v1/delegations', t.keyA, { ttlSeconds: 3600, ...body })
    if (res.status !== 201) throw new Error(`delegating: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const get = async (id: unknown) =>
    (await call('GET', `/v1/delegations/${String(id)}`, t.keyA)).body
  /** A chain alice → bob → carol → dave, each link narrower: the agents and the delegations. */
  async function chain() {
    const alice = await newAgent()
    const [bob, carol, dave] = [await newAgent([]), await newAgent([]), await newAgent([])]
    const d1 = await delegate({
      fromAgentId: alice,
      toAgentId: bob,
      scope: ['web:*', 'files:read'],
    })
    const d2 = await delegate({
      fromAgentId: bob,
      toAgentId: carol,
      scope: ['web:*'],
      parentDelegationId: d1['delegationId'],
    })
    const d3 = await delegate({
      fromAgentId: carol,
      toAgentId: dave,
      scope: ['web:search'],
      parentDelegationId: d2['delegationId'],
    })
    return { alice, bob, carol, dave, d1, d2, d3 }
  }

  return { t, call, newAgent, delegate, get, chain }
}
