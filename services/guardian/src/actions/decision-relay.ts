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
import { type SchemaDb, loadCheckpoint, saveCheckpoint } from '@tessera/event-store'
import { CONFIG, DB, LOGGER, NATS, SERVICE_SCHEMA } from '@tessera/service-kit'
import type { GuardianEnv } from '../guardian.env.ts'
import {
  type CheckRow,
  committedChecksAfter,
  snapshotXmax,
  toRecord,
  uncheckpointedBefore,
} from './checks.repository.ts'

const CHECKPOINT = 'decision-relay'
/** Decision-log transactions (group commits) read per round. */
const GROUPS_PER_ROUND = 50

/**
 * Puts the decision log on the GUARDIAN stream as `ActionChecked` messages: the log in
 * Postgres is the outbox, read in commit-safe order (by writing transaction, like the outbox
 * relay reads events), checkpointed after every ack. One message carries one org's checks
 * from one group commit, up to 100 of them, so a busy guardian publishes a message per commit
 * and org rather than per check. The message id is derived from its first check id: a
 * transaction's rows never change once it ended, so the parts are the same on every read and a
 * re-publish after a crash is dropped by JetStream as a duplicate. One replica publishes (an
 * advisory lock, as for the outbox relay).
 */
@Injectable()
export class DecisionRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private loop: RelayLoop | undefined
  private checkpoint: string | undefined

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
        this.checkpoint ??= (await loadCheckpoint(this.db, this.schema, CHECKPOINT)).transactionId
        const rows = await committedChecksAfter(
          this.db,
          this.schema,
          this.checkpoint,
          GROUPS_PER_ROUND,
        )
        if (rows.length === 0) return 0
        const last = rows.at(-1)!.tx
        await publishEnvelopes(
          js,
          'guardian',
          decisionMessages(rows),
          this.config.TESSERA_STREAM_PREFIX,
        )
        await saveCheckpoint(this.db, this.schema, CHECKPOINT, {
          transactionId: last,
          position: '0',
        })
        this.checkpoint = last
        return rows.length
      },
      reset: () => (this.checkpoint = undefined),
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

/**
 * Rows in transaction, org and check id order → one message per transaction and org, split
 * into parts of {@link ACTION_CHECKS_PER_MESSAGE}.
 */
export function decisionMessages(
  rows: readonly (CheckRow & { tx: string })[],
): Envelope<'ActionChecked', ActionCheckedBatch>[] {
  const messages: Envelope<'ActionChecked', ActionCheckedBatch>[] = []
  let part: ActionChecked[] = []
  let tx = ''
  const flush = () => {
    if (part.length) messages.push(message(tx, part))
    part = []
  }
  for (const r of rows) {
    if (r.tx !== tx || r.org_id !== part[0]?.orgId || part.length === ACTION_CHECKS_PER_MESSAGE) {
      flush()
      tx = r.tx
    }
    part.push(toRecord(r))
  }
  flush()
  return messages
}

function message(
  tx: string,
  checks: ActionChecked[],
): Envelope<'ActionChecked', ActionCheckedBatch> {
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
      // The decision log's own order: the transaction that committed these checks.
      position: tx,
      occurredAt: last.checkedAt,
      correlationId: first.checkId,
      causationId: null,
      traceparent: null,
      actor: { kind: 'system', id: 'guardian' },
    },
  }
}
