import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { randomUUID } from 'node:crypto'
import {
  type TelemetryRecordsMessage,
  streamName,
  telemetryRecordsSubject,
} from '@tessera/contracts'
import { canonicalJson, sha256Hex } from '@tessera/crypto'
import { ActionDeniedError, TesseraClient, TesseraGuard } from '@tessera/sdk'
import { Telemetry } from '@tessera/telemetry'
import { rebuildProjection } from '@tessera/projections'
import { toProjection } from '@tessera/service-kit'
import {
  TRANSFER_BINDINGS,
  eventually,
  expectRebuildEqualsLive,
  snapshotTables,
} from '@tessera/testing'
// eslint-disable-next-line no-restricted-imports -- guardian's consumer, to rebuild it
import { PactBindingsProjection } from '@tessera/guardian-service/src/pacts/pact-bindings.projection.ts'
// eslint-disable-next-line no-restricted-imports -- pacts' own projections, to rebuild them
import { paramBindingProjections } from '@tessera/pacts-service/src/param-binding/param-binding.projection.ts'
import {
  type BindingParty,
  type ParamBindingStack,
  startParamBindingStack,
} from './src/param-binding-stack.ts'

// Param binding, enforced twice with one language: the same params are denied pre-flight by
// guardian and, sent through ingest as telemetry, become ParamBindingViolated in pacts' log.
// The services run in-process (see src/param-binding-stack.ts), so this is an int spec.

const BINDINGS = TRANSFER_BINDINGS
const VIOLATING = { amount: 700, destination: 'acct_1' }
const COMPLIANT = { amount: 400, destination: 'acct_2' }

let stack: ParamBindingStack
let apiKey: string
let buyer: BindingParty
let seller: BindingParty
let pactId: string
const errors: string[] = []
let telemetry: Telemetry

beforeAll(async () => {
  stack = await startParamBindingStack()
  const org = await stack.org('Binding')
  apiKey = org.apiKey
  buyer = await stack.agent(apiKey, ['transfer:*'])
  seller = await stack.agent(apiKey, ['transfer:*'])
  pactId = await stack.registerPact(buyer, seller, BINDINGS)
  telemetry = new Telemetry({
    baseUrl: stack.ingest.url,
    apiKey,
    logger: { warn: (m) => void errors.push(m), error: (m) => void errors.push(m) },
  })
})

afterAll(async () => {
  await telemetry?.close()
  await stack?.stop()
})

/** A transfer_funds call of `agentId` with `params`, in `sessionId` (a fresh one by default). */
function transfer(
  agentId: string,
  params: Record<string, unknown>,
  extra: { sessionId?: string; pactId?: string } = {},
) {
  return {
    sessionId: extra.sessionId ?? `ses-${randomUUID()}`,
    agentId,
    tool: 'transfer_funds',
    params,
    outcome: 'success' as const,
    latencyMs: 1,
    ...(extra.pactId === undefined ? {} : { pactId: extra.pactId }),
  }
}

/** Sends the events through ingest and resolves once ingest answered 2xx (they are stored). */
async function send(record: (t: Telemetry) => void) {
  record(telemetry)
  await telemetry.flush()
  expect(errors).toEqual([])
}

describe('before the call: guardian', () => {
  const guard = () =>
    new TesseraGuard(new TesseraClient({ baseUrl: stack.guardian.url, apiKey }), seller.agentId, {
      pactId,
      telemetry,
    })

  it('denies params that break a binding with pact.param_binding, naming the condition', async () => {
    const denied = await guard()
      .check('transfer_funds', undefined, undefined, { params: VIOLATING })
      .catch((e: unknown) => e)
    expect(denied).toBeInstanceOf(ActionDeniedError)
    expect(denied).toMatchObject({ details: { rule: 'pact.param_binding' } })
    expect((denied as Error).message).toContain('"amount_cap"')
  })

  it('allows compliant params', async () => {
    const ok = await guard().check('transfer_funds', undefined, undefined, { params: COMPLIANT })
    expect(ok).toMatchObject({ allowed: true, rule: 'agent.capabilities' })
  })

  it('fails closed on a pact it does not hold, and for an agent that is not a party', async () => {
    const client = new TesseraClient({ baseUrl: stack.guardian.url, apiKey })
    const unknown = await client.actions.check({
      agentId: seller.agentId,
      toolName: 'transfer_funds',
      params: COMPLIANT,
      pactId: 'pact_00000000000000000000000000',
    })
    expect(unknown).toMatchObject({ allowed: false, rule: 'pact.unknown' })
    const outsider = await stack.agent(apiKey, ['transfer:*'])
    const notParty = await client.actions.check({
      agentId: outsider.agentId,
      toolName: 'transfer_funds',
      params: COMPLIANT,
      pactId,
    })
    expect(notParty).toMatchObject({ allowed: false, rule: 'pact.not_party' })
    // another org's agent naming this pact learns nothing from the answer: it reads as unknown
    const other = await stack.org('Other')
    const stranger = await stack.agent(other.apiKey, ['transfer:*'])
    const foreign = await new TesseraClient({
      baseUrl: stack.guardian.url,
      apiKey: other.apiKey,
    }).actions.check({
      agentId: stranger.agentId,
      toolName: 'transfer_funds',
      params: COMPLIANT,
      pactId,
    })
    expect(foreign).toMatchObject({ allowed: false, rule: 'pact.unknown' })
  })
})

describe('continuously: pacts on TELEMETRY', () => {
  // The violation is expected well within 1 s, but the bound here is generous: a timed assertion
  // on a shared 2-core CI machine fails on load, not on a defect (1 s was overrun once in a full
  // CI run, and the late violation then broke the next test's count).
  it('a violating tool_call in a pact session is ParamBindingViolated in the log; a compliant one is not', async () => {
    const sessionId = `ses-${randomUUID()}`
    // the compliant call goes first, so by the time the violation is in, it has been checked
    await send((t) => {
      t.sessionStart({ sessionId, agentId: seller.agentId, pactId })
      t.toolCall(transfer(seller.agentId, COMPLIANT, { sessionId }))
    })
    // no pactId on the call: it runs under its session's pact
    await send((t) => t.toolCall(transfer(seller.agentId, VIOLATING, { sessionId })))
    const found = await eventually(
      async () => {
        const v = await stack.violations()
        return v.length > 0 ? v : undefined
      },
      { timeoutMs: 15_000, intervalMs: 20, what: 'ParamBindingViolated' },
    )
    expect(found).toHaveLength(1)
    expect(found[0]?.streamId).toBe(`pact-${pactId}`)
    expect(found[0]?.data).toMatchObject({
      pactId,
      agentId: seller.agentId,
      tool: 'transfer_funds',
      rule: 'param_binding:amount_cap',
      paramsDigest: sha256Hex(canonicalJson(VIOLATING)),
    })
  })

  it('a call carrying the pactId itself is checked, and a redelivered batch appends nothing twice', async () => {
    const before = (await stack.violations()).length
    await send((t) =>
      t.toolCall(transfer(buyer.agentId, { amount: 1, destination: 'acct_9' }, { pactId })),
    )
    const after = await eventually(
      async () => {
        const v = await stack.violations()
        return v.length > before ? v : undefined
      },
      { what: 'the violation of a call carrying its pact' },
    )
    const mine = after.slice(before).filter((v) => v.data['agentId'] === buyer.agentId)
    expect(mine.map((v) => v.data['rule'])).toEqual(['param_binding:allowlist'])

    // Publish every records message again under new message ids: pacts sees each tool call
    // a second time, as after a redelivery, and must not record any violation twice.
    const js = jetstream(stack.pacts.nc)
    const jsm = await jetstreamManager(stack.pacts.nc)
    const stream = streamName('telemetry', stack.prefix)
    const { state } = await jsm.streams.info(stream)
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null)
      if (!m?.subject.endsWith('.records.batch')) continue
      const body = m.json<TelemetryRecordsMessage>()
      await js.publish(telemetryRecordsSubject(stack.prefix), JSON.stringify(body), {
        msgID: `again-${seq}`,
      })
    }
    // A marker after them: once its violation is in, the replayed messages were all handled.
    await send((t) =>
      t.toolCall(transfer(buyer.agentId, { amount: 10_000, destination: 'acct_1' }, { pactId })),
    )
    const final = await eventually(
      async () => {
        const v = await stack.violations()
        return v.length > after.length ? v : undefined
      },
      { what: 'the marker violation' },
    )
    expect(final.length).toBe(after.length + 1)
    const ids = final.map((v) => `${String(v.data['telemetryEventId'])} ${String(v.data['rule'])}`)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("pacts' binding tables are projections of its log: rebuilt, they give the live rows", async () => {
    const counts = await expectRebuildEqualsLive(
      stack.pacts.db,
      stack.pacts.schema,
      paramBindingProjections,
    )
    expect(counts['pact_bindings']).toBeGreaterThan(0)
    expect(counts['param_binding_violations']).toBeGreaterThan(0)
  })

  it("guardian's copy of the pacts is a bus-fed projection: rebuilt from PACTS, the same rows", async () => {
    const g = stack.guardian
    const live = await snapshotTables(g.db, g.schema, ['pact_bindings'])
    expect(live['pact_bindings']?.length).toBeGreaterThan(0)
    const projection = toProjection(g.service.app.get(PactBindingsProjection), stack.prefix)
    await rebuildProjection({ nc: g.nc, db: g.db, schema: g.schema, projection })
    expect(await snapshotTables(g.db, g.schema, ['pact_bindings'])).toEqual(live)
  })

  it("a non-party's call naming the pact stays out of the pact's room", async () => {
    const outsider = await stack.agent(apiKey, ['transfer:*'])
    const before = (await stack.violations()).length
    await send((t) => t.toolCall(transfer(outsider.agentId, VIOLATING, { pactId })))
    // then a party's violating call: once it is in, the outsider's (earlier) has been handled
    await send((t) => t.toolCall(transfer(seller.agentId, VIOLATING, { pactId })))
    const v = await eventually(
      async () => {
        const all = await stack.violations()
        return all.length > before ? all.slice(before) : undefined
      },
      { what: "the party's violation" },
    )
    expect(v.map((x) => x.data['agentId'])).toEqual([seller.agentId])
  })
})
