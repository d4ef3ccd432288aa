/**
 * The seller agent as a program: serves A2A until Ctrl-C.
 *
 *   TESSERA_URL, TESSERA_API_KEY    as for the demo (the key of the seller's org)
 *   SELLER_AGENT_ID, SELLER_SECRET_KEY  an agent registered with that key (base64url seed);
 *                                   when unset, a new agent is registered, funded and bonded
 *                                   (SELLER_BOND_USDC, default 100: needs an admin key), and
 *                                   its id and key are printed for the next run
 *   SELLER_PORT                     default 4100
 *   SELLER_MIN_PRICE_USDC           default 5; it counters below, rejects below a fifth of it
 */
import { TesseraClient } from '@tessera/sdk'
import { apiKey, intFrom, microFrom, tesseraUrl } from './env.ts'
import { agentFromEnv } from './identity.ts'
import { DEFAULT_SELLER_POLICY, SellerAgent } from './seller.ts'
import { startSellerServer } from './seller-server.ts'

const env = process.env
const baseUrl = tesseraUrl(env)
const client = new TesseraClient({ baseUrl, apiKey: apiKey(env) })
const log = (line: string) => process.stdout.write(`[seller] ${line}\n`)

const bond = microFrom(env, 'SELLER_BOND_USDC', 100_000_000n)
const { agent, created } = await agentFromEnv(
  client,
  env,
  'SELLER',
  { name: 'example-seller', capabilities: ['text:report'], creditMicro: bond },
  log,
)
if (created) await client.bonds.post({ agentId: agent.agentId, amount: String(bond) })
const minPrice = microFrom(env, 'SELLER_MIN_PRICE_USDC', DEFAULT_SELLER_POLICY.minPrice)
const seller = new SellerAgent({
  client,
  agent,
  tesseraUrl: baseUrl,
  policy: { ...DEFAULT_SELLER_POLICY, minPrice, rejectBelow: minPrice / 5n },
  log,
})
const server = await startSellerServer(seller, { port: intFrom(env, 'SELLER_PORT', 4100) })
log(`${agent.did} serving A2A at ${server.url}/.well-known/agent-card.json`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.close().then(() => process.exit(0)))
}
