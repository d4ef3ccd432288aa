import type { TesseraClient, TrustProfile } from '@tessera/sdk'
import { waitForProfile } from './observe.ts'
import { notYetKnown, retryWhile } from './retry.ts'
import { type TradingAgent, registerTradingAgent } from './identity.ts'
import type { BuyerPolicy, TradeOrder } from './buyer.ts'
import { TEXT_REPORT_CONDITIONS } from './text-report.job.ts'
import { TEXT_REPORT } from './trade-messages.ts'

/** A small buyer's policy: a bonded seller in good standing, no track record required yet. */
export const EXAMPLE_BUYER_POLICY: BuyerPolicy = {
  trust: {
    minCompositeScore: 500,
    minBondTier: 1,
    minFulfillmentRate90d: 0,
    maxDaysInactive: 30,
    rejectAnomalies: true,
  },
  maxPrice: 20_000_000n,
}

/** A text report order at `offer` µUSDC, due in an hour. */
export function textReportOrder(text: string, offer: bigint): TradeOrder {
  return {
    capability: TEXT_REPORT,
    taskDescription: 'Word count, the five most frequent words and a one-sentence summary.',
    deliverableFormat: 'JSON {wordCount, uniqueWords, topWords[], summary}',
    conditions: TEXT_REPORT_CONDITIONS,
    offer,
    deadlineMs: 3_600_000,
    input: { text },
  }
}

export interface ProvisionOptions {
  /** Keys of the buyer's and the seller's orgs (the same client for one org). */
  buyerClient: TesseraClient
  sellerClient: TesseraClient
  /** Admin keys of each org: crediting a wallet through the internal rail needs one. */
  buyerAdmin?: TesseraClient
  sellerAdmin?: TesseraClient
  /** Put in the buyer's wallet, USDC as a decimal string. */
  fundUsdc: string
  /** The seller's bond (100 USDC is tier 1), credited to its wallet first. */
  bondUsdc: string
  log?: (line: string) => void
  /** How long to wait for scoring to show the seller's bond. */
  profileTimeoutMs?: number
}

/**
 * Two agents that never met, each with its own did:key: a funded buyer and a bonded seller,
 * and waits until the seller's trust profile shows its bond.
 */
export async function provisionTrade(
  options: ProvisionOptions,
): Promise<{ buyer: TradingAgent; seller: TradingAgent; sellerProfile: TrustProfile }> {
  const log = options.log ?? (() => undefined)
  const [buyer, seller] = await Promise.all([
    registerTradingAgent(options.buyerClient, { name: 'example-buyer' }),
    registerTradingAgent(options.sellerClient, {
      name: 'example-seller',
      capabilities: ['text:report'],
    }),
  ])
  log(`buyer  ${buyer.agentId} ${buyer.did}`)
  log(`seller ${seller.agentId} ${seller.did}`)
  const buyerAdmin = options.buyerAdmin ?? options.buyerClient
  const sellerAdmin = options.sellerAdmin ?? options.sellerClient
  // escrow opens a new agent's wallet when guardian's AgentRegistered reaches it
  await retryWhile(notYetKnown, () =>
    buyerAdmin.accounts.credit(`acct_${buyer.agentId}`, {
      amountUsdc: options.fundUsdc,
      reference: 'example trade: buyer funds',
    }),
  )
  await retryWhile(notYetKnown, () =>
    sellerAdmin.accounts.credit(`acct_${seller.agentId}`, {
      amountUsdc: options.bondUsdc,
      reference: 'example trade: seller bond',
    }),
  )
  await options.sellerClient.bonds.post({ agentId: seller.agentId, amountUsdc: options.bondUsdc })
  log(`funded the buyer with ${options.fundUsdc} USDC; bonded the seller ${options.bondUsdc} USDC`)
  const sellerProfile = await waitForProfile(
    options.buyerClient,
    seller.did,
    (p) => p.bondTier >= 1 && p.lastActiveAt !== null,
    options.profileTimeoutMs ?? 30_000,
  )
  return { buyer, seller, sellerProfile }
}
