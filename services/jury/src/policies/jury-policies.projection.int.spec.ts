import { expect, it } from 'vitest'
import { expectProvisionedOrgsRebuild } from '@tessera/testing'
import { jury } from '../service.ts'
import { juryPoliciesProjection } from './jury-policies.projection.ts'

it('provisions jury_policies from new orgs inline, and rebuilds them from the log to the same rows', async () => {
  expect(
    await expectProvisionedOrgsRebuild(jury, juryPoliciesProjection, 'jury_policies'),
  ).toBeGreaterThanOrEqual(3)
})
