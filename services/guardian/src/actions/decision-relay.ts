import { createHash } from 'node:crypto'
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common'
import { jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Logger } from 'pino'
import { v7 as uuidv7 } from 'uuid'
import {
  ACTION_CHECKS_PER_MESSAGE,
  type ActionChecked,
  type ActionCheckedBatch,
  type Envelope,
} from '@tessera/contracts'
import { type RelayLoop, publishEnvelopes, startRelayLoop } from '@tessera/bus'
import {
  type LogCheckpoint,
  type SchemaDb,
  loadCheckpoint,
  saveCheckpoint,
} from '@tessera/event-store'
import { CONFIG, DB, LOGGER, NATS, SERVICE_SCHEMA } from '@tessera/service-kit'
import type { GuardianEnv } from '../guardian.env.ts'
import {
  type CheckRow,
  checksBetween,
  lastSettledTx,
  snapshotXmax,
  toRecord,
  uncheckpointedBefore,
} from './checks.repository.ts'

const CHECKPOINT = 'decision-relay'
/** Decision-log transactions (group commits) at most in one round. */
const GROUPS_PER_ROUND = 1000
/** The pause between busy rounds: rounds, not checks, cost queries and messages. */
const BUSY_POLL_MS = 50

export type DecisionMessage = Envelope<'ActionChecked', ActionCheckedBatch>

/**
 * Puts the decision log on the GUARDIAN stream as `ActionChecked` messages. The log in
 * Postgres is the outbox, read in commit-safe order: by writing transaction, and only
 * transactions below the snapshot's xmin, which have ended (the outbox relay reads events
 * the same way). A round takes the settled transactions after the checkpoint, stores that
 * range as its intent, publishes one message per org (up to 100 checks each, in check id
 * order), and moves the checkpoint past the range once every ack is in. The rows of a range
 * of ended transactions never change, so a round re-run after a crash (the intent is still
 * stored) builds the same messages, with the same ids (derived from each one's first check),
 * and JetStream drops them as duplicates: each check is on the stream once. Rounds run at
 * most every 50 ms, so a busy guardian publishes a few messages per round rather than one per
 * check. One replica publishes (an advisory lock, as for the outbox relay).
 */
@Injectable()
export class DecisionRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private loop: RelayLoop | undefined
  /** Published through `transactionId`; `position`, when not 0, is a round's stored end. */
  private at: LogCheckpoint | undefined

  constructor(
    @Inject(CONFIG) private readonly config: GuardianEnv,
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(NATS) private readonly nc: NatsConnection | null,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onApplicationBootstrap() {
    // Without a bus (the rebuild command) there is nothing to publish to.
    if (!this.nc) return
    const js = jetstream(this.nc)
    this.loop = await startRelayLoop({
      connectionString: this.config.DATABASE_URL,
      lockKey: `tessera.decision-relay:${this.schema}`,
      applicationName: 'guardian-decision-relay',
      publish: async () => {
        const round = await publishDecisionRound({
          db: this.db,
          schema: this.schema,
          checkpoint: CHECKPOINT,
          publish: (messages) =>
            publishEnvelopes(js, 'guardian', messages, this.config.TESSERA_STREAM_PREFIX),
          at: (this.at ??= await loadCheckpoint(this.db, this.schema, CHECKPOINT)),
        })
        this.at = round.at
        return round.published
      },
      reset: () => (this.at = undefined),
      busyPollMs: BUSY_POLL_MS,
      log: this.log,
      what: 'decision relay',
    })
  }

  /**
   * Publishes every decision committed before the call, on the replica that leads. It waits
   * while older transactions elsewhere in the cluster hold the snapshot horizon back.
   */
  async drain(timeoutMs = 30_000): Promise<void> {
    if (!this.loop) throw new Error('the decision relay is not running')
    const horizon = await snapshotXmax(this.db)
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if ((await this.loop.round()) > 0) continue
      const from = await loadCheckpoint(this.db, this.schema, CHECKPOINT)
      if (!(await uncheckpointedBefore(this.db, this.schema, from.transactionId, horizon))) return
      if (Date.now() > deadline)
        throw new Error(`drain: decisions not published in ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  async onApplicationShutdown() {
    await this.loop?.stop()
  }
}

export interface DecisionRound {
  db: SchemaDb
  schema: string
  /** The checkpoint's name. */
  checkpoint: string
  /** Resolves when every message is acked. */
  publish: (messages: DecisionMessage[]) => Promise<unknown>
  /** Where the checkpoint stands (as loaded, or as the last round left it). */
  at: LogCheckpoint
}

/**
 * One round of the relay: publishes the settled transactions after `at` and returns how
 * many checks it published and the checkpoint it stored.
 */
export async function publishDecisionRound(
  o: DecisionRound,
): Promise<{ published: number; at: LogCheckpoint }> {
  const from = o.at.transactionId
  // A stored end is a round that may have been published in part: run exactly it again.
  let through = o.at.position === '0' ? undefined : o.at.position
  if (!through) {
    through = await lastSettledTx(o.db, o.schema, from, GROUPS_PER_ROUND)
    if (!through) return { published: 0, at: o.at }
    await saveCheckpoint(o.db, o.schema, o.checkpoint, { transactionId: from, position: through })
  }
  const rows = await checksBetween(o.db, o.schema, from, through)
  await o.publish(decisionMessages(rows, through))
  const done = { transactionId: through, position: '0' }
  await saveCheckpoint(o.db, o.schema, o.checkpoint, done)
  return { published: rows.length, at: done }
}

/**
 * One round's rows, in org and check id order → one message per org, split into parts of
 * {@link ACTION_CHECKS_PER_MESSAGE}. `throughTx` is the round's last transaction.
 */
export function decisionMessages(rows: readonly CheckRow[], throughTx: string): DecisionMessage[] {
  const messages: DecisionMessage[] = []
  let part: ActionChecked[] = []
  for (const r of rows) {
    if (r.org_id !== part[0]?.orgId || part.length === ACTION_CHECKS_PER_MESSAGE) {
      if (part.length) messages.push(message(throughTx, part))
      part = []
    }
    part.push(toRecord(r))
  }
  if (part.length) messages.push(message(throughTx, part))
  return messages
}

function message(throughTx: string, checks: ActionChecked[]): DecisionMessage {
  const first = checks[0]!
  const last = checks.at(-1)!
  return {
    type: 'ActionChecked',
    data: { orgId: first.orgId, checks },
    metadata: {
      // A UUIDv7 fixed by the first check (it is in this part and no other): the same on
      // every re-publish, so JetStream drops the copy (it is the Nats-Msg-Id).
      eventId: uuidv7({
        msecs: Date.parse(first.checkedAt),
        random: createHash('sha256').update(first.checkId).digest().subarray(0, 16),
        seq: 0,
      }),
      streamId: `decisions-${first.orgId}`,
      streamVersion: 1,
      // The decision log's own order: the last transaction of the round that published it.
      position: throughTx,
      occurredAt: last.checkedAt,
      correlationId: first.checkId,
      causationId: null,
      traceparent: null,
      actor: { kind: 'system', id: 'guardian' },
    },
  }
}
