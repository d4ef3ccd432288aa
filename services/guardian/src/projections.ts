import { type InlineProjection, apiKeysInlineProjection } from '@tessera/service-kit'
import { agentCardsProjection } from './agent-cards/agent-cards.projection.ts'
import { agentsProjection } from './agents/agents.projection.ts'
import { approvalsProjection } from './approvals/approvals.projection.ts'
import { delegationsProjection } from './delegations/delegations.projection.ts'
import { orgsProjection } from './orgs/orgs.projection.ts'
import { policiesProjection } from './policies/policies.projection.ts'
import { sessionsProjection } from './sessions/sessions.projection.ts'
import { tokensProjection } from './tokens/tokens.projection.ts'

/**
 * Guardian's read tables, each written from its events in the append's transaction and
 * rebuilt from the log by `npm run rebuild -- guardian <name>`.
 */
export const guardianProjections: readonly InlineProjection[] = [
  orgsProjection,
  apiKeysInlineProjection,
  agentsProjection,
  tokensProjection,
  sessionsProjection,
  delegationsProjection,
  approvalsProjection,
  policiesProjection,
  agentCardsProjection,
]
