/**
 * The generated market the scoring benches share (honest traffic and colluding rings, as the
 * tests generate it), its events as they travel on the bus, and their publishing.
 */
import { type JetStreamClient, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { publishEnvelopes } from '@tessera/bus'
import { durableName } from '@tessera/projections'
import { type Envelope, streamName } from '@tessera/contracts'
import { metadataFor } from '@tessera/testing'
// eslint-disable-next-line no-restricted-imports -- the same generated market as the tests
import { type BusEvent, market } from '@tessera/scoring-service/src/testing/market.ts'
// eslint-disable-next-line no-restricted-imports -- the detection test's 16 rings
import { GOAL_RINGS } from '@tessera/scoring-service/src/testing/detection.ts'
import { progress } from './cli.ts'

export { type BusEvent, market }

/** About `events` events: honest agents and trades, guard denials, 16 rings (2–6 agents, four camouflage levels). */
export function benchMarket(events: number) {
  return market({
    seed: 7,
    orgs: Math.max(5, Math.round(events / 20_000)),
    honestAgents: Math.max(20, Math.round(events / 500)),
    honestTrades: Math.round(events / 4.1),
    denials: Math.round(events / 100),
    rings: GOAL_RINGS,
  })
}

export const envelope = (e: BusEvent): Envelope => ({
  type: e.type,
  data: e.data,
  metadata: { ...metadataFor(e.context), eventId: e.eventId },
})

/** Publishes each context's events in order, 1,000 at a time; the count per context. */
export async function publishMarket(
  js: JetStreamClient,
  events: readonly BusEvent[],
  prefix: string,
  contexts: readonly BusEvent['context'][] = ['guardian', 'pacts', 'escrow', 'jury'],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const context of contexts) {
    const mine = events.filter((e) => e.context === context)
    counts[context] = mine.length
    for (let i = 0; i < mine.length; i += 1000) {
      await publishEnvelopes(js, context, mine.slice(i, i + 1000).map(envelope), prefix)
      if (i % 100_000 === 0) progress(`  published ${context} ${i}/${mine.length}`)
    }
  }
  return counts
}

/**
 * Whether scoring's live trust consumer of `context` has handled everything published so far:
 * nothing pending and nothing unacked on its durable consumer (a batch is acked after it
 * commits). The checkpoint's `applied` counts deliveries, redeliveries too, so it cannot say.
 */
export async function caughtUp(
  nc: NatsConnection,
  prefix: string,
  schema: string,
  context: BusEvent['context'],
): Promise<boolean> {
  const jsm = await jetstreamManager(nc)
  const info = await jsm.consumers.info(
    streamName(context, prefix),
    durableName(schema, `trust-${context}`),
  )
  return info.num_pending === 0 && info.num_ack_pending === 0
}
