import { ulid } from 'ulid'
import type { PactParty, PactTerms } from '@tessera/contracts'
import { pactHash } from '@tessera/crypto'
import type { NewEvent } from '@tessera/event-store'
import { EVENT_LOG, type EventLog, type RunningService, newId } from '@tessera/service-kit'

const SIG = 'a'.repeat(128)
const at = () => new Date().toISOString()

/** The events of a pact's life, valid under their contracts; signatures are not checked here. */
export function pactStory(pactId: string, buyerOrgId: string, sellerOrgId: string) {
  const buyer: PactParty = { agentId: newId('agt'), orgId: buyerOrgId }
  const seller: PactParty = { agentId: newId('agt'), orgId: sellerOrgId }
  const terms: PactTerms = {
    proposedBy: buyer.agentId,
    proposedTo: seller.agentId,
    capability: 'research:summarise',
    taskDescription: 'Summarise the attached filings',
    deliverableFormat: 'markdown',
    conditions: [],
    deadlineUtc: '2026-12-31T00:00:00Z',
    payment: { amount: '500000000', currency: 'USDC' },
    escrowArbiter: 'tessera',
    proposedAt: '2026-12-06T12:00:00Z',
    nonce: `nonce-${newId('n')}`,
  }
  const hash = pactHash(terms)
  return {
    proposed: (): NewEvent => ({
      type: 'PactProposed',
      data: {
        pactId,
        round: 1,
        terms,
        pactHash: hash,
        signature: SIG,
        buyer,
        seller,
        expiresAt: '2026-12-07T12:00:00Z',
        proposedAt: at(),
      },
    }),
    accepted: (): NewEvent => ({
      type: 'PactAccepted',
      data: {
        pactId,
        pactHash: hash,
        terms,
        buyer,
        seller,
        buyerSignature: SIG,
        sellerSignature: SIG,
        round: 1,
        by: seller.agentId,
        acceptedAt: at(),
      },
    }),
    violated: (tool = 'transfer_funds'): NewEvent => ({
      type: 'ParamBindingViolated',
      data: {
        pactId,
        agentId: seller.agentId,
        tool,
        rule: 'param_binding:amount-cap',
        paramsDigest: 'b'.repeat(64),
        telemetryEventId: ulid(),
        detectedAt: at(),
      },
    }),
    failed: (failureReason = 'source offline'): NewEvent => ({
      type: 'ExecutionFailureReported',
      data: { pactId, failureReason, by: seller.agentId, reportedAt: at() },
    }),
    rejected: (): NewEvent => ({
      type: 'PactRejected',
      data: { pactId, round: 1, by: seller.agentId, reason: 'too slow', rejectedAt: at() },
    }),
  }
}

/** Appends events to pacts' log as the pact aggregate would, each in its own transaction. */
export async function appendToPact(
  svc: { service: RunningService },
  pactId: string,
  events: NewEvent[],
  streamId = `pact-${pactId}`,
): Promise<void> {
  const log = svc.service.app.get<symbol, EventLog>(EVENT_LOG)
  for (const e of events) {
    await log.append(streamId, 'any', [e], { actor: { kind: 'system', id: 'test' } })
  }
}
