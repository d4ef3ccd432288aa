import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ActionDeniedError,
  AuthenticationError,
  AuthorizationError,
  ElevationRequiredError,
  GuardianUnavailableError,
  NetworkError,
  NotFoundError,
  TesseraClient,
  TesseraError,
  ValidationError,
} from './index.ts'
import { FakeGuardian } from './testing/fake-guardian.ts'

let fake: FakeGuardian
let client: TesseraClient

beforeAll(async () => {
  fake = await FakeGuardian.start()
  client = new TesseraClient({ baseUrl: fake.url, apiKey: 'tsk_test' })
})
afterAll(() => fake.stop())

/** The error a call gets when guardian answers `status` with `body`. */
async function failWith(status: number, body?: unknown, raw?: string): Promise<TesseraError> {
  fake.reply(raw === undefined ? { status, body } : { status, raw })
  const err: unknown = await client.agents.get('agt_x').then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof TesseraError)) throw new Error(`expected a TesseraError, got ${String(err)}`)
  return err
}

const wire = (code: string, details: Record<string, unknown> = {}) => ({
  code,
  message: `${code} happened`,
  details,
})

describe('HTTP answers map to error classes', () => {
  it.each([
    [401, 'AUTH_FAILED', AuthenticationError],
    [403, 'AUTH_DENIED', AuthorizationError],
    [400, 'VALIDATION_ERROR', ValidationError],
    [404, 'NOT_FOUND', NotFoundError],
    [503, 'GUARDIAN_UNAVAILABLE', GuardianUnavailableError],
    [500, 'INTERNAL', GuardianUnavailableError],
  ] as const)('%i %s', async (status, code, type) => {
    const details = { field: 'x' }
    const err = await failWith(status, wire(code, details))
    expect(err).toBeInstanceOf(type)
    expect(err).toBeInstanceOf(TesseraError)
    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({ code, status, details, message: `${code} happened` })
    expect(err.name).toBe(type.name)
  })

  it('a 409 is a plain TesseraError that keeps its code', async () => {
    const err = await failWith(409, wire('AGENT_REVOKED', { agent: 'agt_x' }))
    expect(err.constructor).toBe(TesseraError)
    expect(err).toMatchObject({ code: 'AGENT_REVOKED', status: 409, details: { agent: 'agt_x' } })
  })

  it('ELEVATION_REQUIRED carries the approval id, whatever the status', async () => {
    const err = await failWith(403, wire('ELEVATION_REQUIRED', { approvalId: 'apr_1' }))
    expect(err).toBeInstanceOf(ElevationRequiredError)
    expect(err).not.toBeInstanceOf(AuthorizationError)
    expect((err as ElevationRequiredError).approvalId).toBe('apr_1')
  })

  it('ACTION_DENIED is an ActionDeniedError', async () => {
    const err = await failWith(403, wire('ACTION_DENIED', { rule: 'no-delete' }))
    expect(err).toBeInstanceOf(ActionDeniedError)
    expect(err).toMatchObject({
      code: 'ACTION_DENIED',
      status: 403,
      details: { rule: 'no-delete' },
    })
  })

  it('a body that is not JSON falls back on the status', async () => {
    const gateway = await failWith(502, undefined, '<html>Bad Gateway</html>')
    expect(gateway).toBeInstanceOf(GuardianUnavailableError)
    expect(gateway).toMatchObject({ code: 'GUARDIAN_UNAVAILABLE', status: 502, details: {} })
    const auth = await failWith(401, undefined, 'nope')
    expect(auth).toBeInstanceOf(AuthenticationError)
    expect(auth.code).toBe('AUTH_FAILED')
  })

  it('an unknown status without a code keeps the status in the code', async () => {
    const err = await failWith(418, { message: 'teapot' })
    expect(err.constructor).toBe(TesseraError)
    expect(err).toMatchObject({ code: 'HTTP_418', message: 'teapot', status: 418 })
  })

  it('a 2xx that is not JSON is an INVALID_RESPONSE, not a crash', async () => {
    fake.reply({ status: 200, raw: '<html></html>' })
    await expect(client.agents.get('agt_x')).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
      status: 200,
    })
  })

  it('NetworkError has no status', () => {
    const err = new NetworkError('NETWORK_ERROR', 'refused')
    expect(err).toBeInstanceOf(TesseraError)
    expect(err.status).toBeUndefined()
    expect(err.details).toEqual({})
  })
})
