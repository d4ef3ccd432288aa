import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AgentCard,
  TESSERA_TRUST_EXTENSION_URI,
  TesseraClient,
  type TrustProfile,
  trustOracle,
  verifyRoom,
} from '@tessera/sdk'
import {
  A2aSeller,
  BuyerAgent,
  EXAMPLE_BUYER_POLICY,
  type RunningSeller,
  SellerAgent,
  type TradingAgent,
  provisionTrade,
  startSellerServer,
  textReportOrder,
  waitForProfile,
} from '@tessera/example-trade'
import {
  BOOTSTRAP_TOKEN,
  startInfra,
  startStack,
  type E2eInfra,
  type RunningStack,
} from './src/index.ts'

// The reference's buyer and seller (examples/trade) as separate parties of two orgs, talking
// A2A over HTTP, against the whole stack through the gateway.

const TEXT = 'Escrow locks the funds before work begins. Work is verified. Funds are released.'

let infra: E2eInfra
let stack: RunningStack
let buyerOrg: TesseraClient
let sellerOrg: TesseraClient
let buyerAgent: TradingAgent
let sellerAgent: TradingAgent
let seller: SellerAgent
let server: RunningSeller
const lines: string[] = []

async function createOrg(name: string): Promise<TesseraClient> {
  const res = await fetch(`${stack.gatewayUrl}/v1/orgs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  })
  if (res.status !== 201) throw new Error(`POST /v1/orgs: HTTP ${res.status}`)
  const { apiKey } = (await res.json()) as { apiKey: string }
  return new TesseraClient({ baseUrl: stack.gatewayUrl, apiKey })
}

const buyer = () =>
  new BuyerAgent({
    client: buyerOrg,
    agent: buyerAgent,
    policy: EXAMPLE_BUYER_POLICY,
    progress: (layer, line) => lines.push(`buyer ${layer}: ${line}`),
    settlement: { timeoutMs: 30_000, pollIntervalMs: 100 },
  })

const wallet = async (client: TesseraClient, agentId: string) =>
  (await client.accounts.getAgentWallet(agentId)).balance

beforeAll(
  async () => {
    infra = await startInfra()
    stack = await startStack(infra)
    buyerOrg = await createOrg('Trade buyer org')
    sellerOrg = await createOrg('Trade seller org')
    const parties = await provisionTrade({
      buyerClient: buyerOrg,
      sellerClient: sellerOrg,
      fundUsdc: '100',
      bondUsdc: '100',
    })
    buyerAgent = parties.buyer
    sellerAgent = parties.seller
    seller = new SellerAgent({
      client: sellerOrg,
      agent: sellerAgent,
      tesseraUrl: stack.gatewayUrl,
      log: (line) => lines.push(`seller: ${line}`),
    })
    server = await startSellerServer(seller)
    // TESSERA_E2E_READY_SECONDS lets a loaded machine boot the stack for longer than the hook's default
  },
  60_000 + Number(process.env['TESSERA_E2E_READY_SECONDS'] || 120) * 1000,
)

afterAll(async () => {
  await server?.close()
  await stack?.stop()
  await infra?.dispose()
})

describe('a trade over A2A between agents of two orgs', () => {
  it('discovers, checks trust, signs, locks, delivers and releases minus 0.5%; the room verifies offline', async () => {
    const result = await buyer().tradeOverA2a(server.url, textReportOrder(TEXT, 10_000_000n))

    expect(result.countered).toBe(false)
    expect(result.deliverable).toMatchObject({
      wordCount: 13,
      summary: 'Escrow locks the funds before work begins.',
    })
    expect(result.settlement).toMatchObject({
      status: 'released',
      verification: 'pass',
      settlement: { basis: 'release', sellerAmount: '9950000', buyerAmount: '0', fee: '50000' },
    })
    expect(await wallet(buyerOrg, buyerAgent.agentId)).toBe('90000000')
    expect(await wallet(sellerOrg, sellerAgent.agentId)).toBe('9950000')

    // the room reaches pacts over the bus: wait for the release, then check it offline
    const deadline = Date.now() + 20_000
    let room = await sellerOrg.rooms.export(result.pactId)
    while (!room.entries.some((e) => e.type === 'EscrowReleased') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200))
      room = await sellerOrg.rooms.export(result.pactId)
    }
    expect(room.entries.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'PactRegistered',
        'EscrowCreated',
        'CompletionSubmitted',
        'EscrowReleased',
      ]),
    )
    const verification = verifyRoom(room, room.keys!)
    expect(verification).toMatchObject({ valid: true, problems: [] })

    // scoring counts the completed task for the seller
    const profile = await waitForProfile(
      buyerOrg,
      sellerAgent.did,
      (p) => p.tasksCompleted90d >= 1,
      20_000,
    )
    expect(profile.fulfillmentRate90d).toBeGreaterThan(0)
  })

  it('a price under the seller’s floor is countered over A2A, then accepted within budget', async () => {
    const result = await buyer().tradeOverA2a(server.url, textReportOrder(TEXT, 3_000_000n))
    expect(result.countered).toBe(true)
    expect(result.settlement).toMatchObject({
      status: 'released',
      amount: '5000000',
      settlement: { sellerAmount: '4975000', fee: '25000' },
    })
  })

  it('declines an escrow whose condition hash is another pact’s: the pact-substitution attack', async () => {
    const b = buyer()
    const { card, identity } = await b.discover(server.url)
    const link = await A2aSeller.connect(card)
    // two pacts the seller signed: the real job at 10 USDC, and a cheap one at 6 USDC
    const dear = await b.negotiate(link, identity, textReportOrder(TEXT, 10_000_000n))
    const cheap = await b.negotiate(link, identity, textReportOrder(TEXT, 6_000_000n))
    const dearPact = await b.register(dear, identity)
    const cheapPact = await b.register(cheap, identity)
    // the buyer locks the cheap pact's price, then asks for the dear pact's work against it
    const escrow = await b.lock(cheapPact.pactId, cheap, identity)
    expect(escrow.conditionHash).not.toBe(dear.pactHash)
    const sellerBefore = await wallet(sellerOrg, sellerAgent.agentId)

    const reply = await b.dispatch(
      link,
      escrow.escrowId,
      dearPact.pactId,
      textReportOrder(TEXT, 0n),
    )

    expect(reply.status).toBe('declined')
    expect(reply.status === 'declined' && reply.reason).toMatch(/substitution attack/)
    expect(await buyerOrg.escrow.get(escrow.escrowId)).toMatchObject({
      status: 'locked',
      verification: null,
      settlement: null,
    })
    expect(await wallet(sellerOrg, sellerAgent.agentId)).toBe(sellerBefore)
  })

  it('the seller’s published card links to its trust profile, which anyone can follow through the gateway', async () => {
    await sellerOrg.agentCards.publish(sellerAgent.agentId)
    // a counterparty holds no key of the seller's org: the card and the profile are public
    const cardRes = await fetch(
      `${stack.gatewayUrl}/a2a/agents/${sellerAgent.agentId}/agent-card.json`,
    )
    expect(cardRes.status).toBe(200)
    const card = (await cardRes.json()) as AgentCard
    const trust = card.capabilities.extensions?.find((e) => e.uri === TESSERA_TRUST_EXTENSION_URI)
    const link = String(trust?.params?.['trustProfileUrl'])
    // the link is the deployment's public URL, the gateway, or no counterparty can follow it
    expect(link, 'the card’s trust link').toBe(
      `${stack.gatewayUrl}/api/v1/trust/${sellerAgent.agentId}`,
    )

    const res = await fetch(link, { signal: AbortSignal.timeout(10_000) })
    const body = await res.text()
    expect(res.status, `GET ${link} -> ${body.slice(0, 300)}`).toBe(200)
    // the profile is the card's agent: its Tessera id, and the DID and handle the card vouches for
    expect(JSON.parse(body) as TrustProfile).toMatchObject({
      tesseraAgentId: sellerAgent.agentId,
      agentId: sellerAgent.did,
      handle: sellerAgent.handle,
    })
    expect(trust?.params).toMatchObject({ did: sellerAgent.did, handle: sellerAgent.handle })
    // the SDK's keyless oracle reads the same profile by the card's DID
    const oracle = trustOracle({ baseUrl: stack.gatewayUrl })
    expect((await oracle.get(sellerAgent.did)).tesseraAgentId).toBe(sellerAgent.agentId)
  })

  it('refuses a seller whose card carries no Tessera identity, before any call to Tessera', async () => {
    const plain = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({ name: 'anon', supportedInterfaces: [], capabilities: { extensions: [] } }),
      )
    })
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r))
    try {
      const { port } = plain.address() as AddressInfo
      await expect(
        buyer().tradeOverA2a(`http://127.0.0.1:${port}`, textReportOrder(TEXT, 10_000_000n)),
      ).rejects.toMatchObject({ layer: 1, code: 'NO_TESSERA_IDENTITY' })
    } finally {
      plain.close()
    }
  })
})
