import { describe, expect, it } from 'vitest'
import { spec } from '@tessera/testing'
import {
  DEFAULT_JURY_POLICY,
  type JuryPolicyCommand,
  juryPolicyDecider,
} from './jury-policy.decider.ts'
import type { JuryPolicyEvent } from './jury-policy.state.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const provision: JuryPolicyCommand = { type: 'ProvisionOrg', orgId }
const provisioned: JuryPolicyEvent = {
  type: 'JuryPolicySet',
  data: { orgId, judges: 5, trimmedPerSide: 1 },
}

describe('jury policy decider', () => {
  it('gives a new org five judges, trimming one from each side', () => {
    spec(juryPolicyDecider).given([]).when(provision).then([provisioned])
  })
  it('does nothing when the org is provisioned again (a redelivered OrgCreated)', () => {
    spec(juryPolicyDecider).given([provisioned]).when(provision).then([])
  })
  it('keeps a policy the org has since changed', () => {
    const changed: JuryPolicyEvent = {
      type: 'JuryPolicySet',
      data: { orgId, judges: 7, trimmedPerSide: 1 },
    }
    spec(juryPolicyDecider).given([provisioned, changed]).when(provision).then([])
  })
  it('leaves at least one judge after trimming by default', () => {
    expect(
      DEFAULT_JURY_POLICY.judges - 2 * DEFAULT_JURY_POLICY.trimmedPerSide,
    ).toBeGreaterThanOrEqual(1)
  })
})
