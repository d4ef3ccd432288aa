import { describe, expect, it } from 'vitest'
import { spec } from '@tessera/testing'
import { type RedactionCommand, redactionDecider, redactionStreamId } from './redaction.decider.ts'
import type { RedactionEvent } from './redaction.state.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const provision: RedactionCommand = { type: 'ProvisionOrg', orgId }
const provisioned: RedactionEvent = {
  type: 'RedactionPolicySet',
  data: { orgId, dropKeys: [], hashKeys: [] },
}

describe('redaction decider', () => {
  it('gives a new org an empty policy', () => {
    spec(redactionDecider).given([]).when(provision).then([provisioned])
  })
  it('does nothing when the org is provisioned again (a redelivered OrgCreated)', () => {
    spec(redactionDecider).given([provisioned]).when(provision).then([])
  })
  it('keeps a policy the org has since changed', () => {
    const changed: RedactionEvent = {
      type: 'RedactionPolicySet',
      data: { orgId, dropKeys: ['password'], hashKeys: ['email'] },
    }
    spec(redactionDecider).given([provisioned, changed]).when(provision).then([])
  })
  it('sets a policy, sorted and deduplicated, a dropped key not also hashed', () => {
    spec(redactionDecider)
      .given([provisioned])
      .when({
        type: 'SetPolicy',
        orgId,
        dropKeys: ['ssn', 'password', 'ssn'],
        hashKeys: ['email', 'ssn'],
      })
      .then([
        {
          type: 'RedactionPolicySet',
          data: { orgId, dropKeys: ['password', 'ssn'], hashKeys: ['email'] },
        },
      ])
  })
  it('records nothing when the policy is unchanged', () => {
    const changed: RedactionEvent = {
      type: 'RedactionPolicySet',
      data: { orgId, dropKeys: ['password'], hashKeys: ['email'] },
    }
    spec(redactionDecider)
      .given([provisioned, changed])
      .when({ type: 'SetPolicy', orgId, dropKeys: ['password'], hashKeys: ['email'] })
      .then([])
  })
  it('keeps one stream per org', () => {
    expect(redactionStreamId(orgId)).toBe(`redaction-${orgId}`)
  })
})
