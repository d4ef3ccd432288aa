import { expect, it } from 'vitest'
import { expectProvisionedOrgsRebuild } from '@tessera/testing'
import { pacts } from '../service.ts'
import { roomsProjection } from './rooms.projection.ts'

it('provisions rooms from new orgs inline, and rebuilds them from the log to the same rows', async () => {
  expect(
    await expectProvisionedOrgsRebuild(pacts, roomsProjection, 'rooms'),
  ).toBeGreaterThanOrEqual(3)
})
