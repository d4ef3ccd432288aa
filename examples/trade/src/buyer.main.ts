/**
 * The buyer agent as a program: one trade with the seller at SELLER_URL, narrated.
 *
 *   TESSERA_URL, TESSERA_API_KEY     as for the demo (the key of the buyer's org)
 *   BUYER_AGENT_ID, BUYER_SECRET_KEY an agent registered with that key (base64url seed); when
 *                                    unset, a new agent is registered and its wallet credited
 *                                    BUYER_FUND_USDC (default 50: needs an admin key)
 *   SELLER_URL                       default http://127.0.0.1:4100
 *   OFFER_USDC                       default 10; MAX_PRICE_USDC default 20
 *   TEXT                             what to report on
 */
import { TesseraClient } from '@tessera/sdk'
import { BuyerAgent, LAYERS, TradeRefused } from './buyer.ts'
import { apiKey, microFrom, tesseraUrl } from './env.ts'
import { agentFromEnv } from './identity.ts'
import { EXAMPLE_BUYER_POLICY, textReportOrder } from './provision.ts'

const env = process.env
const client = new TesseraClient({ baseUrl: tesseraUrl(env), apiKey: apiKey(env) })
const log = (line: string) => process.stdout.write(`[buyer] ${line}\n`)

const { agent } = await agentFromEnv(
  client,
  env,
  'BUYER',
  { name: 'example-buyer', creditMicro: microFrom(env, 'BUYER_FUND_USDC', 50_000_000n) },
  log,
)
const buyer = new BuyerAgent({
  client,
  agent,
  policy: { ...EXAMPLE_BUYER_POLICY, maxPrice: microFrom(env, 'MAX_PRICE_USDC', 20_000_000n) },
  progress: (layer, line) => log(`layer ${layer} (${LAYERS[layer]}): ${line}`),
})
const text = env['TEXT'] ?? 'Funds are locked before work begins. Work is verified. Funds move.'
try {
  const result = await buyer.tradeOverA2a(
    env['SELLER_URL']?.trim() || 'http://127.0.0.1:4100',
    textReportOrder(text, microFrom(env, 'OFFER_USDC', 10_000_000n)),
  )
  log(`done: ${JSON.stringify({ ...result, settlement: result.settlement.settlement })}`)
} catch (err) {
  if (!(err instanceof TradeRefused)) throw err
  log(`refused at layer ${err.layer} (${LAYERS[err.layer]}): ${err.code}: ${err.message}`)
  process.exitCode = 2
}
