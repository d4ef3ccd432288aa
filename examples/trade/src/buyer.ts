import { randomUUID } from 'node:crypto'
import type { AgentCard } from '@a2a-js/sdk'
import {
  type Escrow,
  type PactTerms,
  type RegisteredPact,
  type TesseraClient,
  type TrustEvaluation,
  type TrustPolicy,
  deliverableHash,
  pactHash,
  signPact,
  verifyPactSignature,
} from '@tessera/sdk'
import { A2aSeller, fetchAgentCard } from './a2a-seller.ts'
import { retryWhile } from './retry.ts'
import { type TradingAgent, publicKeyOfDid } from './identity.ts'
import { type TesseraIdentity, tesseraIdentityOf } from './seller-card.ts'
import {
  PACT_NEGOTIATION,
  type SellerPort,
  type TextReport,
  type TextReportInput,
  type WorkReply,
} from './trade-messages.ts'

/** The five layers of the reference's trade, as the buyer walks them. */
export type TradeLayer = 1 | 2 | 3 | 4 | 5
export const LAYERS: Record<TradeLayer, string> = {
  1: 'trust and discovery',
  2: 'negotiation and signing',
  3: 'escrow lock',
  4: 'delivery and verification',
  5: 'settlement',
}

/** Why the buyer stopped: the layer and a stable code, for a caller to branch on. */
export class TradeRefused extends Error {
  constructor(
    readonly layer: TradeLayer,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'TradeRefused'
  }
}

export interface BuyerPolicy {
  /** What the seller's trust profile must meet (`trust.evaluate`). */
  trust: TrustPolicy
  /** The most it pays (µUSDC); a counter above it is refused. */
  maxPrice: bigint
}

/** What the buyer wants done and offers for it. */
export interface TradeOrder {
  capability: string
  taskDescription: string
  deliverableFormat: string
  conditions: PactTerms['conditions']
  /** The first offer, µUSDC. */
  offer: bigint
  /** From now to the pact's deadline. */
  deadlineMs: number
  input: TextReportInput
}

export interface AgreedPact {
  terms: PactTerms
  pactHash: string
  buyerSignature: string
  sellerSignature: string
  countered: boolean
}

export interface TradeResult {
  pactId: string
  pactHash: string
  escrowId: string
  countered: boolean
  deliverable: TextReport
  settlement: Escrow
}

export interface BuyerOptions {
  /** A client with a key of the buyer's org. */
  client: TesseraClient
  agent: TradingAgent
  policy: BuyerPolicy
  progress?: (layer: TradeLayer, line: string) => void
  settlement?: { timeoutMs: number; pollIntervalMs: number }
  now?: () => Date
}

/**
 * Agent A of the reference: discovers the seller, checks its trust, negotiates and signs,
 * registers the pact, locks escrow, dispatches the work and waits for settlement. Each layer
 * is a method, so a test can stop at any of them or misbehave in between.
 */
export class BuyerAgent {
  private readonly progress: (layer: TradeLayer, line: string) => void
  private readonly now: () => Date

  constructor(private readonly options: BuyerOptions) {
    this.progress = options.progress ?? (() => undefined)
    this.now = options.now ?? (() => new Date())
  }

  get agent(): TradingAgent {
    return this.options.agent
  }

  /** The whole trade with a seller at `sellerUrl`, over A2A. */
  async tradeOverA2a(sellerUrl: string, order: TradeOrder): Promise<TradeResult> {
    const { card, identity } = await this.discover(sellerUrl)
    return this.trade(await A2aSeller.connect(card), identity, order)
  }

  /** Layer 1: the card, refused without a Tessera identity. */
  async discover(sellerUrl: string): Promise<{ card: AgentCard; identity: TesseraIdentity }> {
    this.progress(1, `fetching the agent card of ${sellerUrl}`)
    const card = await fetchAgentCard(sellerUrl)
    const identity = tesseraIdentityOf(card)
    if (!identity) {
      throw new TradeRefused(1, 'NO_TESSERA_IDENTITY', 'the agent card carries no Tessera identity')
    }
    this.progress(
      1,
      `card names ${identity.did} (${identity.handle}), bond tier ${identity.bondTier}`,
    )
    return { card: card as AgentCard, identity }
  }

  /** The trade with a seller already discovered (over A2A or in-process). */
  async trade(seller: SellerPort, identity: TesseraIdentity, order: TradeOrder) {
    await this.checkTrust(identity, order.offer)
    const agreed = await this.negotiate(seller, identity, order)
    const pact = await this.register(agreed, identity)
    const escrow = await this.lock(pact.pactId, agreed, identity)
    const reply = await this.dispatch(seller, escrow.escrowId, pact.pactId, order)
    if (reply.status !== 'completed') {
      throw new TradeRefused(4, `SELLER_${reply.status.toUpperCase()}`, reply.reason)
    }
    const settlement = await this.settle(escrow.escrowId)
    return {
      pactId: pact.pactId,
      pactHash: pact.pactHash,
      escrowId: escrow.escrowId,
      countered: agreed.countered,
      deliverable: reply.deliverable,
      settlement,
    }
  }

  /** Layer 1: the trust oracle against the buyer's policy. */
  async checkTrust(identity: TesseraIdentity, amount: bigint): Promise<TrustEvaluation> {
    const policy = { ...this.options.policy.trust, amount: String(amount) }
    const evaluation = await this.options.client.trust.evaluate(identity.did, { policy })
    if (!evaluation.approved) {
      throw new TradeRefused(1, 'TRUST_POLICY_NOT_MET', evaluation.reasons.join('; '))
    }
    this.progress(1, `trust policy met (${evaluation.preset} preset)`)
    return evaluation
  }

  /** Layer 2: propose over A2A; accept a counter within the budget; both sign locally. */
  async negotiate(
    seller: SellerPort,
    identity: TesseraIdentity,
    order: TradeOrder,
  ): Promise<AgreedPact> {
    const { agent } = this.options
    const now = this.now()
    const terms: PactTerms = {
      proposedBy: agent.did,
      proposedTo: identity.did,
      capability: order.capability,
      taskDescription: order.taskDescription,
      deliverableFormat: order.deliverableFormat,
      conditions: order.conditions,
      deadlineUtc: new Date(now.getTime() + order.deadlineMs).toISOString(),
      payment: { amount: String(order.offer), currency: 'USDC' },
      escrowArbiter: 'tessera',
      proposedAt: now.toISOString(),
      nonce: randomUUID(),
    }
    const hash = pactHash(terms)
    const signature = signPact(terms, agent.secretKey)
    this.progress(2, `proposing ${order.offer} µUSDC, pact ${hash.slice(0, 12)}… signed locally`)
    const reply = await seller.negotiate({
      taskType: PACT_NEGOTIATION,
      payload: { pact: terms, pactHash: hash, signature },
    })
    const sellerKey = publicKeyOfDid(identity.did)!
    switch (reply.status) {
      case 'accepted':
        if (
          reply.pactHash !== hash ||
          !verifyPactSignature(terms, reply.sellerSignature, sellerKey)
        ) {
          throw new TradeRefused(
            2,
            'BAD_SELLER_SIGNATURE',
            'the acceptance is not signed by the seller',
          )
        }
        this.progress(2, 'seller accepted and signed')
        return {
          terms,
          pactHash: hash,
          buyerSignature: signature,
          sellerSignature: reply.sellerSignature,
          countered: false,
        }
      case 'counter_proposed': {
        const amended = reply.amendedPact
        const price = BigInt(amended.payment.amount)
        this.progress(2, `seller countered at ${price} µUSDC: ${reply.reason}`)
        const onlyPrice =
          JSON.stringify({ ...amended, payment: terms.payment }) === JSON.stringify(terms)
        if (!onlyPrice || pactHash(amended) !== reply.amendedPactHash) {
          throw new TradeRefused(
            2,
            'COUNTER_CHANGED_TERMS',
            'the counter changed more than the price',
          )
        }
        if (!verifyPactSignature(amended, reply.sellerSignature, sellerKey)) {
          throw new TradeRefused(
            2,
            'BAD_SELLER_SIGNATURE',
            'the counter is not signed by the seller',
          )
        }
        if (price > this.options.policy.maxPrice) {
          throw new TradeRefused(
            2,
            'PRICE_ABOVE_BUDGET',
            `${price} µUSDC is above ${this.options.policy.maxPrice}`,
          )
        }
        this.progress(2, 'counter within budget: accepted and signed')
        return {
          terms: amended,
          pactHash: reply.amendedPactHash,
          buyerSignature: signPact(amended, agent.secretKey),
          sellerSignature: reply.sellerSignature,
          countered: true,
        }
      }
      case 'rejected':
        throw new TradeRefused(2, 'SELLER_REJECTED', reply.rejectionReason)
    }
  }

  /** Layer 2: the pact both signed, registered with Tessera. */
  async register(agreed: AgreedPact, identity: TesseraIdentity): Promise<RegisteredPact> {
    const pact = await this.options.client.pacts.register({
      pactHash: agreed.pactHash,
      buyerDid: this.options.agent.did,
      sellerDid: identity.did,
      buyerSignature: agreed.buyerSignature,
      sellerSignature: agreed.sellerSignature,
      terms: agreed.terms,
    })
    this.progress(2, `pact registered: ${pact.pactId} (${pact.status})`)
    return pact
  }

  /** Layer 3: funds locked against the pact's hash; retried while escrow learns the pact. */
  async lock(pactId: string, agreed: AgreedPact, identity: TesseraIdentity): Promise<Escrow> {
    const request = {
      buyerAgentId: this.options.agent.did,
      sellerAgentId: identity.did,
      pactId,
      amount: agreed.terms.payment.amount,
      conditionHash: agreed.pactHash,
      arbiter: agreed.terms.escrowArbiter,
      deadlineUtc: agreed.terms.deadlineUtc,
    }
    const escrow = await retryWhile(
      (err) => err.code === 'PACT_NOT_FOUND_YET',
      () => this.options.client.escrow.create(request),
    )
    this.progress(
      3,
      `escrow ${escrow.escrowId} locked ${escrow.amount} µUSDC (tx ${escrow.txHash})`,
    )
    return escrow
  }

  /** Layer 4: the work, dispatched to the seller, who verifies the escrow first. */
  async dispatch(
    seller: SellerPort,
    escrowId: string,
    pactId: string,
    order: TradeOrder,
  ): Promise<WorkReply> {
    this.progress(4, `dispatching ${order.capability} for pact ${pactId}`)
    const reply = await seller.work({
      taskType: order.capability,
      escrowId,
      pactId,
      data: order.input,
    })
    if (reply.status === 'completed') {
      if (deliverableHash(reply.deliverable) !== reply.deliverableHash) {
        throw new TradeRefused(
          4,
          'DELIVERABLE_HASH_MISMATCH',
          'the deliverable does not match its hash',
        )
      }
      this.progress(
        4,
        `delivered: ${reply.deliverableHash.slice(0, 12)}…, checked against its hash`,
      )
    } else {
      this.progress(4, `seller ${reply.status}: ${reply.reason}`)
    }
    return reply
  }

  /** Layer 5: waits until escrow settles (automated verification of the pact's conditions). */
  async settle(escrowId: string): Promise<Escrow> {
    const wait = this.options.settlement ?? { timeoutMs: 60_000, pollIntervalMs: 250 }
    const escrow = await this.options.client.escrow.pollSettlement(escrowId, wait)
    const s = escrow.settlement
    this.progress(
      5,
      s
        ? `${escrow.status}: seller ${s.sellerAmount}, buyer ${s.buyerAmount}, fee ${s.fee} µUSDC`
        : `${escrow.status} (verification ${escrow.verification ?? 'none'})`,
    )
    return escrow
  }
}
