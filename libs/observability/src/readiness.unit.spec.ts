import { describe, expect, it } from 'vitest'
import { runReadinessChecks } from './readiness.ts'

const ok = (name: string) => ({ name, check: async () => {} })

describe('runReadinessChecks', () => {
  it('is ready only when every check passes', async () => {
    expect(await runReadinessChecks([ok('db'), ok('nats')])).toEqual({
      ready: true,
      checks: { db: 'ok', nats: 'ok' },
    })
  })

  it('reports the message of each failing check, sync throws included', async () => {
    const report = await runReadinessChecks([
      ok('db'),
      { name: 'nats', check: () => Promise.reject(new Error('no responders')) },
      {
        name: 'sync',
        check: () => {
          throw new Error('boom')
        },
      },
    ])
    expect(report).toEqual({
      ready: false,
      checks: { db: 'ok', nats: 'no responders', sync: 'boom' },
    })
  })

  it('fails a hung check after the timeout, without waiting for it', async () => {
    const started = Date.now()
    const report = await runReadinessChecks(
      [ok('db'), { name: 'stuck', check: () => new Promise<void>(() => {}) }],
      50,
    )
    expect(report.checks).toEqual({ db: 'ok', stuck: 'timed out after 50 ms' })
    expect(Date.now() - started).toBeLessThan(1_000)
  })
})
