import pg from 'pg'
import type { Logger } from 'pino'

const RECONNECT_MS = 500

export interface PgListenerOptions {
  connectionString: string
  /** The channel to LISTEN on; a table trigger's NOTIFY names it. */
  channel: string
  applicationName: string
  log: Logger
  /** Each notification's payload, in commit order. */
  onNotify(payload: string): void
  /**
   * The connection was lost, or is (back) up: anything cached meanwhile may have missed a
   * notification and must be dropped.
   */
  onReset(): void
}

/**
 * LISTENs on one channel on a connection of its own, for caches that drop a row when its
 * table's trigger says it changed. While the connection is down `listening` is false (a cache
 * then reads Postgres every time); it reconnects every half second, and once it is back
 * `onReset` empties the caches, so no notification can be missed.
 */
export class PgListener {
  private client: pg.Client | undefined
  private stopped = false
  private reconnect: NodeJS.Timeout | undefined
  private up = false

  constructor(private readonly opts: PgListenerOptions) {}

  get listening(): boolean {
    return this.up
  }

  async start(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.opts.connectionString,
      application_name: this.opts.applicationName,
    })
    const lost = (err?: Error) => {
      if (this.client !== client) return
      this.up = false
      this.client = undefined
      this.opts.onReset()
      void client.end().catch(() => undefined)
      if (this.stopped) return
      this.opts.log.warn(
        { err, channel: this.opts.channel },
        'LISTEN connection lost; reading Postgres until it is back',
      )
      this.reconnect = setTimeout(() => void this.start(), RECONNECT_MS)
    }
    this.client = client
    client.on('notification', (msg) => this.opts.onNotify(msg.payload ?? ''))
    client.on('error', lost)
    client.on('end', () => lost())
    try {
      await client.connect()
      await client.query(`listen ${client.escapeIdentifier(this.opts.channel)}`)
      // anything cached before this point may have missed a notification
      this.opts.onReset()
      this.up = true
    } catch (err) {
      lost(err as Error)
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.reconnect)
    const client = this.client
    this.client = undefined
    this.up = false
    await client?.end().catch(() => undefined)
  }
}

/** Past this many entries a cache is emptied: a cache, not a copy of the table. */
const MAX_ENTRIES = 100_000

/**
 * Rows loaded on demand and kept while `listening()` holds, dropped key by key on a
 * notification. A load that raced a drop (or a reset) is answered once, not kept.
 */
export class NotifiedCache<V> {
  private readonly entries = new Map<string, V>()
  /** Bumped by every drop: a load that started before one is not kept. */
  private epoch = 0

  constructor(private readonly listening: () => boolean) {}

  /** A hit is returned synchronously: a hot path awaits nothing it does not have to. */
  get(key: string, load: () => Promise<V>): Promise<V> | V {
    if (this.listening()) {
      const hit = this.entries.get(key)
      if (hit !== undefined) return hit
    }
    const epoch = this.epoch
    return load().then((value) => {
      if (this.listening() && epoch === this.epoch) {
        if (this.entries.size >= MAX_ENTRIES) this.entries.clear()
        this.entries.set(key, value)
      }
      return value
    })
  }

  delete(key: string) {
    this.epoch++
    this.entries.delete(key)
  }

  clear() {
    this.epoch++
    this.entries.clear()
  }
}
