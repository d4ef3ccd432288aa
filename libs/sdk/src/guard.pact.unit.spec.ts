import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { TesseraClient } from './client.ts'
import { ActionDeniedError } from './errors.ts'
import { TesseraGuard } from './guard.ts'
import { FakeGuardian } from './testing/fake-guardian.ts'

let fake: FakeGuardian
let client: TesseraClient
const guards: TesseraGuard[] = []
const quiet = { warn: () => undefined, error: () => undefined }
const AGENT = 'agt_0123456789abcdefghjkmnpqrs'
const PACT = 'pact_0123456789abcdefghjkmnpqrs'
const OTHER_PACT = 'pact_zzzzzzzzzzzzzzzzzzzzzzzzzz'

const guard = (options: ConstructorParameters<typeof TesseraGuard>[2] = {}) => {
  const g = new TesseraGuard(client, AGENT, { logger: quiet, ...options })
  guards.push(g)
  return g
}
const checks = () =>
  fake.received
    .filter((r) => r.url === '/v1/actions/check')
    .map((r) => JSON.parse(r.body) as Record<string, unknown>)
const reported = () =>
  fake.received
    .filter((r) => r.url === '/v1/telemetry/batch')
    .flatMap((r) => (JSON.parse(r.body) as { events: Record<string, unknown>[] }).events)
const allowed = {
  status: 200,
  body: {
    allowed: true,
    decision: 'allow',
    elevationRequired: false,
    reason: 'ok',
    rule: 'agent.capabilities',
    confidence: 1,
    checkId: 'chk_1',
    capability: 'transfer:funds',
    effect: 'mutating',
    effectSource: 'classified',
  },
}

beforeAll(async () => {
  fake = await FakeGuardian.start()
  client = new TesseraClient({ baseUrl: fake.url, apiKey: 'tsk_live_test', timeoutMs: 1_000 })
})
afterEach(async () => {
  await Promise.all(guards.splice(0).map((g) => g.close()))
  fake.received.length = 0
})
afterAll(async () => {
  await fake.stop()
})

describe('the guard under a pact', () => {
  it("sends the call's params and the guard's pact with the check; a call may name another", async () => {
    fake.reply(allowed)
    const g = guard({ pactId: PACT })
    await g.check('transfer_funds', undefined, undefined, { params: { amount: 5 } })
    fake.reply(allowed)
    await g.check('transfer_funds', undefined, undefined, { pactId: OTHER_PACT })
    expect(checks()).toEqual([
      expect.objectContaining({ toolName: 'transfer_funds', params: { amount: 5 }, pactId: PACT }),
      expect.objectContaining({ pactId: OTHER_PACT }),
    ])
    expect(checks()[1]).not.toHaveProperty('params')
  })

  it('sends no pactId without one', async () => {
    fake.reply(allowed)
    await guard().check('transfer_funds', undefined, undefined, { params: { amount: 5 } })
    expect(checks()[0]).not.toHaveProperty('pactId')
  })

  it('throws ActionDeniedError naming pact.param_binding when guardian denies', async () => {
    fake.reply({
      ...allowed,
      body: { ...allowed.body, allowed: false, decision: 'deny', rule: 'pact.param_binding' },
    })
    const denied = await guard({ pactId: PACT })
      .check('transfer_funds', undefined, undefined, { params: { amount: 900 } })
      .catch((e: unknown) => e)
    expect(denied).toBeInstanceOf(ActionDeniedError)
    expect(denied).toMatchObject({ details: { rule: 'pact.param_binding' } })
  })

  it('reports the call with its params and pact, so pacts checks it again', async () => {
    fake.reply({ status: 200, body: { status: 'accepted' } })
    const g = guard({ pactId: PACT, sessionId: 'ses_1' })
    g.report('transfer_funds', true, 4, { params: { amount: 900 } })
    g.report('web_search', true, 1)
    await g.flush()
    expect(reported()).toEqual([
      expect.objectContaining({ tool: 'transfer_funds', params: { amount: 900 }, pactId: PACT }),
      expect.objectContaining({ tool: 'web_search', params: {}, pactId: PACT }),
    ])
  })
})
