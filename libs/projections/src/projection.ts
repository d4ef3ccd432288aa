import type { AnyEnvelope } from '@tessera/contracts'
import type { SchemaTx } from '@tessera/event-store'

/** A read model folded from events. Its rows and its checkpoint commit together. */
export interface Projection {
  /** Stable name: the checkpoint and the rebuild command use it. */
  name: string
  /** Where its events come from on the bus: full stream name is derived with the prefix. */
  source: { stream: string; filterSubject: string }
  /**
   * The event types `apply` folds, when it says: the others are acked unread, with no
   * transaction (they would be no-ops). Absent: every event of the source is applied.
   */
  handles?: ReadonlySet<string>
  /** Live batch size it prefers (default 500): one that recomputes per batch wants big ones. */
  batchSize?: number
  /** Opt-in: how long a live batch may wait to fill up (the bus's `maxWaitMs`); default none. */
  maxWaitMs?: number
  /**
   * Opt-in: `apply` (with `afterBatch`) is idempotent on its own, as a set insert keyed by the
   * event is, so no inbox row is kept per event: a redelivered event is applied again, to no
   * effect. It saves an indexed row per event, live and in a rebuild (scoring's evidence).
   */
  idempotent?: boolean
  /** Folds one event into the rows; runs inside the batch's transaction. */
  apply(tx: SchemaTx, event: AnyEnvelope): Promise<void>
  /**
   * Runs once per batch, after its last `apply`, in the same transaction: a projection that
   * stages work per event (scoring recomputes each touched profile once) does it here.
   */
  afterBatch?(tx: SchemaTx): Promise<void>
  /** Runs once when a rebuild has replayed everything (scoring publishes the net moves here). */
  afterRebuild?(tx: SchemaTx): Promise<void>
  /** Deletes every row the projection owns; the first step of a rebuild. */
  reset(tx: SchemaTx): Promise<void>
}
