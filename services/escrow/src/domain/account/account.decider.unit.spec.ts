import { describe, expect, it } from 'vitest'
import { spec } from '@tessera/testing'
import {
  type AccountCommand,
  NotAnOrgId,
  accountDecider,
  operatingAccountId,
} from './account.decider.ts'
import type { AccountEvent } from './account.state.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const provision: AccountCommand = { type: 'ProvisionOrg', orgId }
const opened: AccountEvent = {
  type: 'AccountOpened',
  data: { accountId: 'acct_0123456789abcdefghjkmnpqrs', orgId, currency: 'USDC', balance: '0' },
}

describe('account decider', () => {
  it("opens a new org's operating account with a zero USDC balance", () => {
    spec(accountDecider).given([]).when(provision).then([opened])
  })
  it('does nothing when the org is provisioned again (a redelivered OrgCreated)', () => {
    spec(accountDecider).given([opened]).when(provision).then([])
  })
  it('derives one account id per org, so a retry lands on the same stream', () => {
    expect(operatingAccountId(orgId)).toBe(opened.data.accountId)
    expect(operatingAccountId('org_zzzzzzzzzzzzzzzzzzzzzzzzzz')).not.toBe(opened.data.accountId)
  })
  it("opens an agent's wallet once, named after the agent", () => {
    const agentId = 'agt_0123456789abcdefghjkmnpqrs'
    const open: AccountCommand = { type: 'OpenAgentAccount', orgId, agentId }
    const wallet: AccountEvent = {
      type: 'AccountOpened',
      data: {
        accountId: `acct_${agentId}`,
        orgId,
        currency: 'USDC',
        balance: '0',
        kind: 'agent',
        agentId,
      },
    }
    spec(accountDecider).given([]).when(open).then([wallet])
    spec(accountDecider).given([wallet]).when(open).then([])
  })
  it('refuses to derive an account from something that is not an org id', () => {
    spec(accountDecider)
      .given([])
      .when({ type: 'ProvisionOrg', orgId: 'acct_nope' })
      .thenThrows(NotAnOrgId)
  })
})
