import type { AgentCard } from '@a2a-js/sdk'
import { ed25519PublicKeyOf } from '@tessera/crypto'
import {
  type Pact,
  type PactTerms,
  type TesseraClient,
  TesseraError,
  pactHash,
  signCompletion,
  signPact,
  verifyPactSignature,
} from '@tessera/sdk'
import { type TesseraIdentity, sellerCard } from './seller-card.ts'
import { type TradingAgent, publicKeyOfDid } from './identity.ts'
import { auditTextReport, textReport } from './text-report.job.ts'

import {
  type NegotiationReply,
  type NegotiationRequest,
  type SellerPort,
  TEXT_REPORT,
  type WorkReply,
  type WorkRequest,
} from './trade-messages.ts'

/** The seller's own rules for terms; nothing here is Tessera's. */
export interface SellerPolicy {
  capability: string
  /** Below this price (µUSDC) it counters at this price. */
  minPrice: bigint
  /** Below this price it does not bother to counter. */
  rejectBelow: bigint
  /** The least time it needs between now and the deadline. */
  minLeadMs: number
}

export const DEFAULT_SELLER_POLICY: SellerPolicy = {
  capability: TEXT_REPORT,
  minPrice: 5_000_000n,
  rejectBelow: 1_000_000n,
  minLeadMs: 60_000,
}

export interface SellerOptions {
  /** A client with a key of the seller's org. */
  client: TesseraClient
  agent: TradingAgent
  /** Tessera's public URL, for the card's trust profile link. */
  tesseraUrl: string
  name?: string
  policy?: SellerPolicy
  log?: (line: string) => void
  now?: () => Date
}

/**
 * Agent B of the reference: negotiates by its policy, signing locally, and does paid work
 * only after checking the escrow locks the pact it signed.
 */
export class SellerAgent implements SellerPort {
  readonly policy: SellerPolicy
  private readonly publicKey: Uint8Array
  private readonly log: (line: string) => void
  private readonly now: () => Date

  constructor(private readonly options: SellerOptions) {
    this.policy = options.policy ?? DEFAULT_SELLER_POLICY
    this.publicKey = ed25519PublicKeyOf(options.agent.secretKey)
    this.log = options.log ?? (() => undefined)
    this.now = options.now ?? (() => new Date())
  }

  get agent(): TradingAgent {
    return this.options.agent
  }

  /** The card as of now: the bond tier is read from the seller's trust profile. */
  async card(url: string): Promise<AgentCard> {
    const { agent, client, tesseraUrl } = this.options
    const profile = await client.trust.get(agent.did).catch(() => undefined)
    const identity: TesseraIdentity = {
      did: agent.did,
      handle: agent.handle,
      trustProfileUrl: `${tesseraUrl.replace(/\/+$/, '')}/api/v1/trust/${agent.agentId}`,
      bondTier: profile?.bondTier ?? 0,
    }
    const name = this.options.name ?? 'Tessera example seller'
    return sellerCard({ name, url, capability: this.policy.capability, identity })
  }

  negotiate(request: NegotiationRequest): Promise<NegotiationReply> {
    return Promise.resolve(this.decideTerms(request))
  }

  /** Accept, counter or reject by the policy; every answer but a rejection is signed here. */
  private decideTerms({ payload }: NegotiationRequest): NegotiationReply {
    const { pact, pactHash: claimed, signature } = payload
    const refusal = this.refusal(pact, claimed, signature)
    if (refusal) {
      this.log(`negotiation: rejected (${refusal})`)
      return { status: 'rejected', rejectionReason: refusal }
    }
    const price = BigInt(pact.payment.amount)
    if (price < this.policy.rejectBelow) {
      const reason = `price ${pact.payment.amount} µUSDC is below ${this.policy.rejectBelow}`
      this.log(`negotiation: rejected (${reason})`)
      return { status: 'rejected', rejectionReason: reason }
    }
    if (price < this.policy.minPrice) {
      const amendedPact: PactTerms = {
        ...pact,
        payment: { ...pact.payment, amount: String(this.policy.minPrice) },
      }
      const amendedPactHash = pactHash(amendedPact)
      this.log(`negotiation: counter-proposed ${this.policy.minPrice} µUSDC, signed locally`)
      return {
        status: 'counter_proposed',
        amendedPact,
        amendedPactHash,
        sellerSignature: signPact(amendedPact, this.agent.secretKey),
        reason: `my price for ${pact.capability} is at least ${this.policy.minPrice} µUSDC`,
      }
    }
    this.log(`negotiation: accepted ${pact.payment.amount} µUSDC, signed ${claimed.slice(0, 12)}…`)
    return {
      status: 'accepted',
      pactHash: claimed,
      sellerSignature: signPact(pact, this.agent.secretKey),
    }
  }

  /** Why these terms are not even worth pricing, or undefined. */
  private refusal(pact: PactTerms, claimed: string, signature: string): string | undefined {
    if (pactHash(pact) !== claimed) return 'pactHash is not the hash of these terms'
    const buyerKey = publicKeyOfDid(pact.proposedBy)
    if (!buyerKey) return 'proposedBy must be the buyer’s did:key, so its signature can be checked'
    if (!verifyPactSignature(pact, signature, buyerKey)) return 'the buyer’s signature is invalid'
    const me = [this.agent.did, this.agent.agentId, this.agent.handle]
    if (!me.includes(pact.proposedTo)) return `proposed to ${pact.proposedTo}, not to this agent`
    if (pact.capability !== this.policy.capability) {
      return `this agent sells ${this.policy.capability}, not ${pact.capability}`
    }
    if (pact.payment.currency !== 'USDC') return 'payment must be in USDC'
    const lead = Date.parse(pact.deadlineUtc) - this.now().getTime()
    if (!(lead >= this.policy.minLeadMs)) return 'the deadline leaves too little time'
    return undefined
  }

  async work(request: WorkRequest): Promise<WorkReply> {
    const { client } = this.options
    const { escrowId, pactId } = request
    // Step 1: check the pact and the escrow before touching any compute.
    const pact = await client.pacts.get(pactId).catch(() => undefined)
    const problem = pact ? this.pactProblem(pact) : `pact ${pactId} is unknown to this seller`
    if (problem || !pact) return this.decline(problem ?? 'no pact')
    let verification
    try {
      verification = await client.escrow.verify({
        escrowId,
        expectedPactId: pactId,
        expectedAmount: pact.terms.payment.amount,
      })
    } catch (err) {
      if (!(err instanceof TesseraError)) throw err
      return this.decline(
        err.code === 'PACT_MISMATCH'
          ? `escrow ${escrowId} locks another pact than ${pactId}: possible substitution attack`
          : `escrow ${escrowId} failed verification: ${err.code} ${err.message}`,
      )
    }
    if (verification.status !== 'locked') {
      return this.decline(
        `invalid escrow state: ${verification.status}; funds must be locked before work begins`,
      )
    }
    if (verification.conditionHash !== pact.pactHash) {
      return this.decline(
        'escrow condition hash does not match the registered pact: possible substitution attack',
      )
    }
    this.log(`work: escrow ${escrowId} verified (locked, ${verification.amount} µUSDC)`)

    // Step 2: execute; a failure is reported, and no completion is submitted.
    const started = performance.now()
    let deliverable
    try {
      deliverable = textReport(request.data)
    } catch (err) {
      const failureReason = err instanceof Error ? err.message : 'unknown execution error'
      await client.pacts.reportExecutionFailure({ pactId, escrowId, failureReason })
      this.log(`work: execution failed (${failureReason}), reported`)
      return { status: 'execution_failed', reason: failureReason }
    }

    // Step 3: self-audit against the pact's requirements before submitting.
    let audit = auditTextReport(deliverable, request.data)
    if (audit.score < 1) {
      this.log(`work: self-audit found gaps (${audit.gaps.join(', ')}); revising`)
      deliverable = textReport(request.data)
      audit = auditTextReport(deliverable, request.data)
    }

    // Step 4: sign and submit the completion; escrow verifies it at once.
    const completionTimeUtc = this.now().toISOString()
    const signed = signCompletion(deliverable, this.agent.secretKey)
    await client.escrow.submitCompletion({
      escrowId,
      pactId,
      deliverable,
      ...signed,
      completionTimeUtc,
      executionMetrics: {
        latencyMs: Math.round(performance.now() - started),
        selfAuditScore: audit.score,
      },
    })
    this.log(`work: completion submitted, deliverable ${signed.deliverableHash.slice(0, 12)}…`)
    return {
      status: 'completed',
      deliverable,
      deliverableHash: signed.deliverableHash,
      completionTimeUtc,
    }
  }

  /** The registered pact must be active, its hash its terms', and signed by this seller. */
  private pactProblem(pact: Pact): string | undefined {
    if (pact.status !== 'active') return `pact ${pact.pactId} is ${pact.status}, not active`
    if (pactHash(pact.terms) !== pact.pactHash) return `pact ${pact.pactId}: hash ≠ its terms`
    const mine = pact.signatures.seller
    if (!mine || !verifyPactSignature(pact.terms, mine, this.publicKey)) {
      return `pact ${pact.pactId} does not carry this seller's signature`
    }
    return undefined
  }

  private decline(reason: string): WorkReply {
    this.log(`work: declined (${reason})`)
    return { status: 'declined', reason }
  }
}
