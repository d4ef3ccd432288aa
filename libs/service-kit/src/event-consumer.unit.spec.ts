import { describe, expect, it } from 'vitest'
import { unhandled } from '@tessera/projections'
import { EventConsumer, On, toProjection } from './event-consumer.ts'

@EventConsumer({ name: 'keys', context: 'guardian' })
class KeysOnly {
  @On('ApiKeyIssued')
  async issued() {}
}

@EventConsumer({ name: 'feed', context: 'escrow' })
class Everything {
  @On('*')
  async any() {}
}

describe('toProjection', () => {
  it('names the types a consumer handles, so the runner acks the others unread', () => {
    const p = toProjection(new KeysOnly(), '')
    expect(p.handles).toEqual(new Set(['ApiKeyIssued']))
    const skip = unhandled(p.handles!)
    expect(skip('tessera.guardian.ActionChecked')).toBe(true)
    expect(skip('tessera.guardian.ApiKeyIssued')).toBe(false)
  })

  it("skips nothing for a consumer with @On('*')", () => {
    expect(toProjection(new Everything(), '').handles).toBeUndefined()
  })
})
