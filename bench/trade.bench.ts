/**
 * Complete happy-path trades per second through the public API (the gateway): trust check,
 * negotiation and both signatures, pact registration, escrow lock, the seller's escrow
 * verification and signed completion, settlement. Two ways: with the buyer and seller agents
 * (examples/trade) in-process, calling each other directly, and with the A2A hop (the seller's
 * JSON-RPC server over HTTP; each pair's card is fetched once). Beside them, the bare escrow
 * lifecycle (create, verify, completion) through the same gateway, on pacts registered
 * beforehand. One JSON document goes to stdout; progress to stderr.
 *
 * Against a running stack when TESSERA_URL is set (key: TESSERA_API_KEY, else
 * .tessera/demo.json; an admin key, to fund wallets); otherwise it boots its own (as e2e does).
 *
 *   npx tsx bench/trade.bench.ts [--seconds N] [--concurrency N] [--pairs N] [--lifecycles N]
 */
import os from 'node:os'
import { TesseraClient, TesseraError, pactHash, signCompletion, signPact } from '@tessera/sdk'
import {
  A2aSeller,
  BuyerAgent,
  EXAMPLE_BUYER_POLICY,
  type RunningSeller,
  SellerAgent,
  type SellerPort,
  apiKeyFromEnv,
  type TesseraIdentity,
  type TradingAgent,
  provisionTrade,
  retryWhile,
  startSellerServer,
  textReportOrder,
} from '@tessera/example-trade'
import { BOOTSTRAP_TOKEN, startInfra, startStack } from '@tessera/e2e'
import { cleanUp, cleanUpOnSignals, onCleanUp, parseOptions, progress, round } from './src/cli.ts'
import { drive } from './src/drive.ts'

const p = parseOptions(
  'bench/trade.bench.ts',
  {
    seconds: { env: 'BENCH_SECONDS', def: 20, help: 'time cap of each phase' },
    concurrency: { env: 'BENCH_CONCURRENCY', def: 8, help: 'trades in flight' },
    pairs: { env: 'BENCH_PAIRS', def: 4, help: 'buyer/seller pairs the trades are spread over' },
    lifecycles: {
      env: 'BENCH_LIFECYCLES',
      def: 300,
      help: 'pacts registered for the lifecycle phase (a cap)',
    },
  },
  process.argv.slice(2),
)

const TEXT = 'Funds are locked before work begins. Work is verified. Funds are released.'
const PRICE = 5_000_000n
// the bench trades one pair many times with uniform amounts: that is what score-gaming
// detection flags, and a buyer refusing flagged sellers would stop the bench half-way
const POLICY = {
  ...EXAMPLE_BUYER_POLICY,
  trust: { ...EXAMPLE_BUYER_POLICY.trust, rejectAnomalies: false },
}

interface Pair {
  buyer: BuyerAgent
  seller: SellerAgent
  identity: TesseraIdentity
  server: RunningSeller
  a2a: SellerPort
  agents: { buyer: TradingAgent; seller: TradingAgent }
}

async function target(): Promise<{ url: string; apiKey: string; own: boolean }> {
  const url = process.env['TESSERA_URL']?.trim()
  if (url) {
    return { url, apiKey: apiKeyFromEnv(process.env), own: false }
  }
  progress('no TESSERA_URL: booting a stack of our own')
  const infra = await startInfra()
  onCleanUp(() => infra.dispose())
  const stack = await startStack(infra)
  onCleanUp(() => stack.stop())
  const res = await fetch(`${stack.gatewayUrl}/v1/orgs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'trade bench' }),
  })
  const { apiKey } = (await res.json()) as { apiKey: string }
  return { url: stack.gatewayUrl, apiKey, own: true }
}

async function main() {
  cleanUpOnSignals('trade bench')
  const { url, apiKey, own } = await target()
  const client = new TesseraClient({ baseUrl: url, apiKey, timeoutMs: 60_000 })
  progress(`provisioning ${p.pairs} buyer/seller pairs against ${url}`)
  const pairs: Pair[] = []
  for (let i = 0; i < p.pairs; i++) {
    const agents = await provisionTrade({
      buyerClient: client,
      sellerClient: client,
      fundUsdc: '1000000',
      bondUsdc: '100',
    })
    const seller = new SellerAgent({ client, agent: agents.seller, tesseraUrl: url })
    const server = await startSellerServer(seller)
    onCleanUp(() => server.close())
    const buyer = new BuyerAgent({
      client,
      agent: agents.buyer,
      policy: POLICY,
      settlement: { timeoutMs: 60_000, pollIntervalMs: 100 },
    })
    const { card, identity } = await buyer.discover(server.url)
    pairs.push({ buyer, seller, identity, server, a2a: await A2aSeller.connect(card), agents })
  }

  const errors = new Map<string, number>()
  const phase = async (name: string, via: (pair: Pair) => SellerPort) => {
    progress(`${name}: trades for up to ${p.seconds}s at ${p.concurrency} in flight`)
    let notReleased = 0
    const cpu0 = process.cpuUsage()
    const result = await drive(
      { count: Number.MAX_SAFE_INTEGER, seconds: p.seconds, concurrency: p.concurrency },
      async (i) => {
        const pair = pairs[i % pairs.length]!
        try {
          const r = await pair.buyer.trade(via(pair), pair.identity, textReportOrder(TEXT, PRICE))
          if (r.settlement.status !== 'released') notReleased++
        } catch (err) {
          const code =
            err instanceof TesseraError || err instanceof Error
              ? ((err as { code?: string }).code ?? err.message)
              : String(err)
          errors.set(`${name}: ${code}`, (errors.get(`${name}: ${code}`) ?? 0) + 1)
        }
      },
    )
    const cpu = process.cpuUsage(cpu0)
    return {
      value: round(result.count / result.seconds, 2),
      unit: 'trades/s',
      ...result,
      notReleased,
      // this process only: both agents and the load; the services are other processes
      benchProcessCpuMsPerTrade: round(
        (cpu.user + cpu.system) / 1000 / Math.max(result.count, 1),
        2,
      ),
    }
  }

  const inProcess = await phase('in-process', (pair) => pair.seller)
  const a2a = await phase('a2a', (pair) => pair.a2a)
  const lifecycle = await lifecyclePhase(client, pairs)

  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'trade',
        params: p,
        target: { url, ownStack: own },
        machine: { cpus: os.cpus().length, node: process.version, loadavg: os.loadavg() },
        httpCallsPerTrade: {
          inProcess: 'evaluate, register, create, pacts.get, verify, completion, escrow get: 7',
          a2a: 'the same 7 to Tessera, plus 2 A2A SendMessage (negotiation, work)',
        },
        inProcess,
        a2a,
        escrowLifecycle: lifecycle,
        errors: Object.fromEntries(errors),
      },
      null,
      2,
    )}\n`,
  )
}

/** The escrow lifecycle alone (create, verify, completion) on pacts registered beforehand. */
async function lifecyclePhase(client: TesseraClient, pairs: Pair[]) {
  progress(`escrow lifecycle: registering ${p.lifecycles} pacts first (not timed)`)
  const deliverable = { rows: 12 }
  const pacts = await Promise.all(
    Array.from({ length: p.lifecycles }, async (_, i) => {
      const { buyer, seller } = pairs[i % pairs.length]!.agents
      const terms = {
        ...textReportOrderTerms(buyer.did, seller.did),
        nonce: `bench-${Date.now()}-${i}`,
      }
      const hash = pactHash(terms)
      const pact = await client.pacts.register({
        pactHash: hash,
        buyerDid: buyer.did,
        sellerDid: seller.did,
        buyerSignature: signPact(terms, buyer.secretKey),
        sellerSignature: signPact(terms, seller.secretKey),
        terms,
      })
      return { pactId: pact.pactId, hash, seller, amount: terms.payment.amount }
    }),
  )
  // escrow learns pacts over the bus, in order: once it knows the last, it knows them all
  const probe = pacts.pop()!
  await retryWhile(notYetKnownPact, () =>
    client.escrow.create({ pactId: probe.pactId, amount: probe.amount, conditionHash: probe.hash }),
  )
  let notYetKnownRetries = 0
  progress(`escrow lifecycle: up to ${p.seconds}s at ${p.concurrency} in flight`)
  let notReleased = 0
  const result = await drive(
    { count: pacts.length, seconds: p.seconds, concurrency: p.concurrency },
    async (i) => {
      const pact = pacts[i]!
      const escrow = await retryWhile(
        (err) => notYetKnownPact(err) && ++notYetKnownRetries > 0,
        () =>
          client.escrow.create({
            pactId: pact.pactId,
            amount: pact.amount,
            conditionHash: pact.hash,
          }),
      )
      await client.escrow.verify({
        escrowId: escrow.escrowId,
        expectedPactId: pact.pactId,
        expectedAmount: pact.amount,
      })
      const done = await client.escrow.submitCompletion({
        escrowId: escrow.escrowId,
        pactId: pact.pactId,
        deliverable,
        ...signCompletion(deliverable, pact.seller.secretKey),
        completionTimeUtc: new Date().toISOString(),
      })
      if (done.status !== 'released') notReleased++
    },
  )
  return {
    value: round(result.count / result.seconds, 2),
    unit: 'lifecycles/s',
    ...result,
    notReleased,
    notYetKnownRetries,
    httpCallsPerLifecycle: 3,
  }
}

const notYetKnownPact = (err: TesseraError) => err.code === 'PACT_NOT_FOUND_YET'

function textReportOrderTerms(buyerDid: string, sellerDid: string) {
  const now = new Date()
  return {
    proposedBy: buyerDid,
    proposedTo: sellerDid,
    capability: 'bench-lifecycle',
    taskDescription: 'escrow lifecycle bench',
    deliverableFormat: 'json',
    conditions: [],
    deadlineUtc: new Date(now.getTime() + 3_600_000).toISOString(),
    payment: { amount: '1000000', currency: 'USDC' as const },
    escrowArbiter: 'tessera',
    proposedAt: now.toISOString(),
  }
}

try {
  await main()
} finally {
  await cleanUp()
}
