import pg from 'pg'

/**
 * A session-level advisory lock on a connection of its own. Losing the connection loses the
 * lock (Postgres releases it), so leadership is re-checked by reconnecting. Relays use it so
 * that one replica of a service publishes at a time.
 */
export class LeaderLock {
  private client: pg.Client | undefined
  isLeader = false

  constructor(
    private readonly connectionString: string,
    private readonly key: string,
    private readonly applicationName = 'tessera-outbox-relay',
  ) {}

  async held(): Promise<boolean> {
    if (this.isLeader && this.client) return true
    try {
      if (!this.client) {
        const client = new pg.Client({
          connectionString: this.connectionString,
          application_name: this.applicationName,
        })
        client.on('error', () => {
          this.isLeader = false
          this.client = undefined
        })
        await client.connect()
        this.client = client
      }
      const { rows } = await this.client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock(hashtext($1)) as ok',
        [this.key],
      )
      this.isLeader = rows[0]?.ok === true
    } catch {
      this.isLeader = false
      await this.release()
    }
    return this.isLeader
  }

  async release(): Promise<void> {
    const client = this.client
    this.client = undefined
    this.isLeader = false
    await client?.end().catch(() => undefined)
  }
}
