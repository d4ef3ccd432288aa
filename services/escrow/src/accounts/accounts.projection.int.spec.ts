import { expect, it } from 'vitest'
import { expectProvisionedOrgsRebuild } from '@tessera/testing'
import { escrow } from '../service.ts'
import { accountsProjection } from './accounts.projection.ts'

it('provisions accounts from new orgs inline, and rebuilds them from the log to the same rows', async () => {
  expect(
    await expectProvisionedOrgsRebuild(escrow, accountsProjection, 'accounts'),
  ).toBeGreaterThanOrEqual(3)
})
