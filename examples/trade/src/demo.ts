import { TesseraClient, type TrustProfile, verifyRoom } from '@tessera/sdk'
import { BuyerAgent, LAYERS, type TradeLayer } from './buyer.ts'
import { waitForProfile, waitForRoomEntry } from './observe.ts'
import { EXAMPLE_BUYER_POLICY, provisionTrade, textReportOrder } from './provision.ts'
import { SellerAgent } from './seller.ts'
import { startSellerServer } from './seller-server.ts'

export interface DemoOptions {
  /** Tessera's public URL (the gateway). */
  tesseraUrl: string
  /** An admin key of the org both agents are registered in (the start script's demo org). */
  apiKey: string
  /** Where the seller's A2A server listens; 0 picks a free port. */
  sellerPort?: number
  out: (line: string) => void
}

const TEXT =
  'Two agents that never met can trade safely. The buyer checks trust, both sign the pact, ' +
  'the funds are locked in escrow, the seller delivers, and escrow settles.'

const usdc = (micro: string | bigint) => (Number(BigInt(micro)) / 1e6).toFixed(6)

/**
 * `npm run demo:trade`: provisions a funded buyer and a bonded seller, serves the seller over
 * A2A, and runs the buyer against it, narrating the five layers; then balances, the room's
 * offline verification and both trust profiles.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const { out } = options
  const client = new TesseraClient({ baseUrl: options.tesseraUrl, apiKey: options.apiKey })
  out(`Tessera trade demo against ${options.tesseraUrl}`)
  out('')
  out('── Setup: two agents that never met, each with its own did:key ──')
  const { buyer, seller } = await provisionTrade({
    buyerClient: client,
    sellerClient: client,
    fundUsdc: '50',
    bondUsdc: '100',
    log: (line) => out(`  ${line}`),
  })
  let layer: TradeLayer | undefined
  const say = (at: TradeLayer, line: string) => {
    if (at !== layer) {
      layer = at
      out('')
      out(`── Layer ${at} · ${LAYERS[at]} ──`)
    }
    out(`  ${line}`)
  }
  const sellerAgent = new SellerAgent({
    client,
    agent: seller,
    tesseraUrl: options.tesseraUrl,
    log: (line) => out(`    seller ▸ ${line}`),
  })
  const server = await startSellerServer(sellerAgent, { port: options.sellerPort ?? 0 })
  out(`  seller serves A2A at ${server.url} (card: /.well-known/agent-card.json)`)
  try {
    const buyerAgent = new BuyerAgent({
      client,
      agent: buyer,
      policy: EXAMPLE_BUYER_POLICY,
      progress: (at, line) => say(at, `buyer ▸ ${line}`),
      settlement: { timeoutMs: 60_000, pollIntervalMs: 250 },
    })
    // an offer under the seller's floor: it counters, and the buyer accepts within budget
    const result = await buyerAgent.tradeOverA2a(server.url, textReportOrder(TEXT, 4_000_000n))
    out(`  deliverable: ${JSON.stringify(result.deliverable)}`)

    out('')
    out('── Result ──')
    const [buyerWallet, sellerWallet, bond] = await Promise.all([
      client.accounts.getAgentWallet(buyer.agentId),
      client.accounts.getAgentWallet(seller.agentId),
      client.bonds.get(seller.agentId),
    ])
    out(
      `  buyer wallet   ${usdc(buyerWallet.balance)} USDC (funded 50, paid ${usdc(result.settlement.amount)})`,
    )
    out(
      `  seller wallet  ${usdc(sellerWallet.balance)} USDC (released minus the 0.5% fee ${usdc(result.settlement.settlement?.fee ?? '0')})`,
    )
    out(`  seller bond    ${usdc(bond.amount)} USDC, tier ${bond.tier}`)

    const room = await waitForRoomEntry(client, result.pactId, 'EscrowReleased', 30_000)
    const check = verifyRoom(room, room.keys ?? { keys: [] })
    out(
      `  room ${room.roomId}: ${check.valid ? 'verifies offline' : 'DOES NOT VERIFY'} — ` +
        `${check.entryCount} entries chained (${room.entries.map((e) => e.type).join(', ')}); ` +
        `${check.checkpointCount} signed checkpoint(s) covering ${check.signedEntries} entries` +
        (check.unsignedTail ? `, ${check.unsignedTail} chained but not signed yet` : ''),
    )
    if (!check.valid) out(`    problems: ${JSON.stringify(check.problems)}`)

    const [sellerProfile, buyerProfile] = await Promise.all([
      waitForProfile(client, seller.did, (p) => p.tasksCompleted90d >= 1, 30_000),
      waitForProfile(client, buyer.did, (p) => p.lastActiveAt !== null, 30_000),
    ])
    out(`  seller trust   ${profileLine(sellerProfile)}`)
    out(`  buyer trust    ${profileLine(buyerProfile)}`)
  } finally {
    await server.close()
  }
}

function profileLine(p: TrustProfile): string {
  return (
    `score ${p.compositeScore} (${p.certificationLevel}), bond tier ${p.bondTier}, ` +
    `${p.tasksCompleted90d} task(s) in 90d, fulfillment ${p.fulfillmentRate90d}, ` +
    `disputes filed ${p.buyerReputation.disputesFiled}, flags ${p.anomalyFlags.length}`
  )
}
