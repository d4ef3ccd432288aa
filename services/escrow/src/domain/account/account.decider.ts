import type { Decider } from '@tessera/contracts'
import {
  type AccountEvent,
  type AccountState,
  evolve,
  initialState,
  parseAccountEvent,
} from './account.state.ts'
import { agentAccountId } from '../ledger/ledger.accounts.ts'

/** Sent once guardian reports a new org or agent: open its account, empty. */
export type AccountCommand =
  | { type: 'ProvisionOrg'; orgId: string }
  | { type: 'OpenAgentAccount'; orgId: string; agentId: string }

export class NotAnOrgId extends Error {
  readonly code = 'VALIDATION_ERROR'
}

export function decide(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.type) {
    case 'ProvisionOrg':
      return provisionOrg(command, state)
    case 'OpenAgentAccount':
      return openAgentAccount(command, state)
    default: {
      const _exhaustive: never = command
      return _exhaustive
    }
  }
}

function provisionOrg(
  c: Extract<AccountCommand, { type: 'ProvisionOrg' }>,
  state: AccountState,
): AccountEvent[] {
  // A redelivered OrgCreated finds the account already open and changes nothing.
  if (state.opened) return []
  return [
    {
      type: 'AccountOpened',
      data: {
        accountId: operatingAccountId(c.orgId),
        orgId: c.orgId,
        currency: 'USDC',
        balance: '0',
      },
    },
  ]
}

function openAgentAccount(
  c: Extract<AccountCommand, { type: 'OpenAgentAccount' }>,
  state: AccountState,
): AccountEvent[] {
  // A redelivered AgentRegistered finds the wallet already open and changes nothing.
  if (state.opened) return []
  return [
    {
      type: 'AccountOpened',
      data: {
        accountId: agentAccountId(c.agentId),
        orgId: c.orgId,
        currency: 'USDC',
        balance: '0',
        kind: 'agent',
        agentId: c.agentId,
      },
    },
  ]
}

/**
 * An org's operating account id, derived from the org id (`org_x` → `acct_x`) rather than
 * random, so provisioning the same org twice lands on the same stream and is a no-op.
 */
export function operatingAccountId(orgId: string): string {
  const suffix = /^org_([0-9a-z]{26})$/.exec(orgId)?.[1]
  if (!suffix) throw new NotAnOrgId(`${orgId} is not an org id`)
  return `acct_${suffix}`
}

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  decide,
  evolve,
  initialState,
  parse: parseAccountEvent,
}
export const accountStreamId = (accountId: string) => `account-${accountId}`
