import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { TesseraClient } from './client.ts'
import {
  ActionDeniedError,
  AuthenticationError,
  ElevationRequiredError,
  GuardianUnavailableError,
} from './errors.ts'
import { TesseraGuard } from './guard.ts'
import { FakeGuardian } from './testing/fake-guardian.ts'

let fake: FakeGuardian
let client: TesseraClient
const guards: TesseraGuard[] = []
const quiet = { warn: () => undefined, error: () => undefined }
const AGENT = 'agt_0123456789abcdefghjkmnpqrs'

const answer = (over: Record<string, unknown> = {}) => ({
  status: 200,
  body: {
    allowed: true,
    decision: 'allow',
    elevationRequired: false,
    reason: 'ok',
    rule: 'agent.capabilities',
    confidence: 1,
    checkId: 'chk_1',
    capability: 'web:search',
    effect: 'read',
    effectSource: 'declared',
    ...over,
  },
})
const guard = (options: ConstructorParameters<typeof TesseraGuard>[2] = {}) => {
  const g = new TesseraGuard(client, AGENT, { logger: quiet, ...options })
  guards.push(g)
  return g
}
const sent = () => JSON.parse(fake.last.body) as Record<string, unknown>

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

describe('TesseraGuard.check', () => {
  it('sends the agent, tool, session and effect, and no input unless logInputs', async () => {
    fake.reply(answer())
    await guard({ sessionId: 'ses_1' }).check('web_search', 'secret query', 'read')
    expect(fake.last.url).toBe('/v1/actions/check')
    expect(sent()).toEqual({
      agentId: AGENT,
      toolName: 'web_search',
      sessionId: 'ses_1',
      actionEffect: 'read',
    })
  })

  it('with logInputs sends the summary cut to 200 characters, never splitting a surrogate pair', async () => {
    fake.reply(answer())
    await guard({ logInputs: true }).check('web_search', `${'a'.repeat(199)}😀tail`)
    expect(sent()['toolInputSummary']).toBe(`${'a'.repeat(199)}😀`)
  })

  it('uses the default effect when a call names none', async () => {
    fake.reply(answer(), answer())
    const g = guard({ actionEffect: 'mutating' })
    await g.check('mail_send')
    expect(sent()['actionEffect']).toBe('mutating')
    await g.check('mail_send', undefined, 'admin')
    expect(sent()['actionEffect']).toBe('admin')
  })

  it('throws ActionDeniedError and ElevationRequiredError with the approval id', async () => {
    fake.reply(
      answer({ allowed: false, decision: 'deny', rule: 'agent.capabilities', reason: 'no' }),
      answer({
        allowed: false,
        decision: 'elevation_required',
        elevationRequired: true,
        approvalId: 'apr_9',
      }),
    )
    const g = guard()
    const denied = await g.check('files_write').catch((e: unknown) => e)
    expect(denied).toBeInstanceOf(ActionDeniedError)
    expect(denied).toMatchObject({
      code: 'ACTION_DENIED',
      details: { rule: 'agent.capabilities', checkId: 'chk_1' },
    })
    const elevation = await g.check('db_delete').catch((e: unknown) => e)
    expect(elevation).toBeInstanceOf(ElevationRequiredError)
    expect(elevation).toMatchObject({ code: 'ELEVATION_REQUIRED', approvalId: 'apr_9' })
  })

  it('returns the refusal instead when blockOnDeny is off', async () => {
    fake.reply(answer({ allowed: false, decision: 'deny' }))
    await expect(guard({ blockOnDeny: false }).check('files_write')).resolves.toMatchObject({
      allowed: false,
    })
  })

  it('fails closed on a 5xx or no answer, and open only with failOpen', async () => {
    fake.reply({ status: 503, body: { code: 'UNAVAILABLE', message: 'down' } }, 'destroy')
    const closed = guard()
    await expect(closed.check('web_search')).rejects.toBeInstanceOf(GuardianUnavailableError)
    const dropped = await closed.check('web_search').catch((e: unknown) => e)
    expect(dropped).toBeInstanceOf(GuardianUnavailableError)
    expect((dropped as Error).cause).toBeDefined()
    fake.reply({ status: 500, body: {} })
    await expect(guard({ failOpen: true }).check('web_search')).resolves.toMatchObject({
      allowed: true,
      rule: 'guard.fail_open',
    })
  })

  it('does not fail open on answers that are not outages', async () => {
    fake.reply({ status: 401, body: { code: 'AUTH_FAILED', message: 'bad key' } })
    await expect(guard({ failOpen: true }).check('web_search')).rejects.toBeInstanceOf(
      AuthenticationError,
    )
  })
})

describe('TesseraGuard.report', () => {
  const batches = () =>
    fake.received
      .filter((r) => r.url === '/v1/telemetry/batch')
      .flatMap((r) => (JSON.parse(r.body) as { events: Record<string, unknown>[] }).events)

  it('batches tool calls through telemetry: the class of an error only, no input by default', async () => {
    fake.reply({ status: 200, body: { status: 'accepted' } })
    const g = guard({ sessionId: 'ses_7' })
    g.report('web_search', true, 12)
    g.report('db_query', false, 3, {
      error: new TypeError('password=hunter2'),
      input: 'select secret',
    })
    await g.flush()
    expect(batches()).toEqual([
      expect.objectContaining({
        type: 'tool_call',
        sessionId: 'ses_7',
        agentId: AGENT,
        tool: 'web_search',
        outcome: 'success',
        latencyMs: 12,
        params: {},
      }),
      expect.objectContaining({
        tool: 'db_query',
        outcome: 'error',
        params: {},
        metadata: { errorClass: 'TypeError' },
      }),
    ])
    expect(JSON.stringify(batches())).not.toContain('hunter2')
  })

  it('sends the input cut to 200 characters with logInputs', async () => {
    fake.reply({ status: 200, body: { status: 'accepted' } })
    const g = guard({ logInputs: true })
    g.report('web_search', true, 1, { input: 'q'.repeat(500) })
    await g.flush()
    expect(batches()[0]).toMatchObject({ params: { input: 'q'.repeat(200) } })
    // without a session the guard names one of its own, the same for every report
    expect(String(batches()[0]?.['sessionId'])).toMatch(/^guard-/)
  })

  it('never throws, even for a report telemetry cannot build: it drops it with a warning', () => {
    const warnings: string[] = []
    const g = guard({ logger: { warn: (m) => void warnings.push(m), error: () => undefined } })
    expect(() => g.report('', true, Number.NaN)).not.toThrow()
    expect(() => g.report('x'.repeat(1000), true, 1)).not.toThrow()
    expect(warnings).toHaveLength(2)
    expect(warnings.every((w) => w.includes('ignored'))).toBe(true)
  })
})

const PACT = 'pact_0123456789abcdefghjkmnpqrs'
const OTHER_PACT = 'pact_zzzzzzzzzzzzzzzzzzzzzzzzzz'
const checks = () =>
  fake.received
    .filter((r) => r.url === '/v1/actions/check')
    .map((r) => JSON.parse(r.body) as Record<string, unknown>)
const reported = () =>
  fake.received
    .filter((r) => r.url === '/v1/telemetry/batch')
    .flatMap((r) => (JSON.parse(r.body) as { events: Record<string, unknown>[] }).events)

describe('the guard under a pact', () => {
  it("sends the call's params and the guard's pact with the check; a call may name another", async () => {
    fake.reply(answer())
    const g = guard({ pactId: PACT })
    await g.check('transfer_funds', undefined, undefined, { params: { amount: 5 } })
    fake.reply(answer())
    await g.check('transfer_funds', undefined, undefined, { pactId: OTHER_PACT })
    expect(checks()).toEqual([
      expect.objectContaining({ toolName: 'transfer_funds', params: { amount: 5 }, pactId: PACT }),
      expect.objectContaining({ pactId: OTHER_PACT }),
    ])
    expect(checks()[1]).not.toHaveProperty('params')
  })

  it('sends no pactId without one', async () => {
    fake.reply(answer())
    await guard().check('transfer_funds', undefined, undefined, { params: { amount: 5 } })
    expect(checks()[0]).not.toHaveProperty('pactId')
  })

  it('throws ActionDeniedError naming pact.param_binding when guardian denies', async () => {
    fake.reply(answer({ allowed: false, decision: 'deny', rule: 'pact.param_binding' }))
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
