import { describe, expect, it } from 'vitest'
import { summarise } from './wait-ready.ts'

describe('what a not-ready service said', () => {
  it('names only the services holding the gateway back', () => {
    const body = JSON.stringify({
      status: 'not_ready',
      services: {
        ingest: { status: 'ready' },
        jury: { status: 'not_ready' },
        escrow: { status: 'unreachable' },
      },
    })
    expect(summarise(body)).toBe('(services not ready: jury not_ready, escrow unreachable)')
  })

  it('shows any other body on one line', () => {
    expect(summarise('{"status":"not_ready",\n "postgres": "down"}')).toBe(
      '{"status":"not_ready", "postgres": "down"}',
    )
    expect(summarise('x'.repeat(400))).toHaveLength(300)
  })
})
