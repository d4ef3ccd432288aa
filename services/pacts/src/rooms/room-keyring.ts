import { readFile } from 'node:fs/promises'
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common'
import { sql } from 'kysely'
import type { TesseraKeySet } from '@tessera/contracts'
import { ed25519PublicKeyOf, generateEd25519KeyPair } from '@tessera/crypto'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import { CONFIG, DB, SERVICE_SCHEMA } from '@tessera/service-kit'
import { type ConfiguredRoomKey, RoomSigningKeys } from './rooms.env.ts'

export interface RoomsConfig {
  PACTS_SIGNING_KEYS?: ConfiguredRoomKey[] | undefined
  PACTS_SIGNING_KEYS_FILE?: string | undefined
}

interface ActiveKey {
  keyId: string
  secretKey: Uint8Array
}

/**
 * The pacts service's checkpoint keys. The active one comes from `PACTS_SIGNING_KEYS` (or its
 * file); without either, from a key generated at first start and kept in the schema. Every key
 * that ever signed stays in `room_signing_keys` with its public half, so a checkpoint signed
 * before a rotation still verifies against `/.well-known/tessera-keys.json`.
 */
@Injectable()
export class RoomKeyring implements OnModuleInit {
  private active: ActiveKey | undefined

  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(CONFIG) private readonly config: RoomsConfig,
  ) {}

  async onModuleInit() {
    const configured = await configuredKeys(this.config)
    // one replica at a time settles which key is active
    this.active = await this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`${this.schema}.room_signing_keys`}))`.execute(
        tx,
      )
      const active = configured[0]
        ? await this.recordConfigured(tx, configured)
        : await this.generated(tx)
      const s = sql.id(this.schema)
      await sql`update ${s}.room_signing_keys set retired_at = now()
        where key_id <> ${active.keyId} and retired_at is null`.execute(tx)
      await sql`update ${s}.room_signing_keys set retired_at = null
        where key_id = ${active.keyId}`.execute(tx)
      return active
    })
  }

  /** The key new checkpoints are signed with. */
  signingKey(): ActiveKey {
    if (!this.active) throw new Error('RoomKeyring used before the module initialised')
    return this.active
  }

  /** What `GET /.well-known/tessera-keys.json` serves: every key, active first. */
  async keySet(): Promise<TesseraKeySet> {
    const { rows } = await sql<{
      key_id: string
      public_key: string
      created_at: Date
      retired_at: Date | null
    }>`select key_id, public_key, created_at, retired_at from ${sql.id(this.schema)}.room_signing_keys
      order by retired_at desc nulls first, created_at desc, key_id`.execute(this.db)
    return {
      keys: rows.map((r) => ({
        keyId: r.key_id,
        alg: 'Ed25519' as const,
        publicKey: r.public_key,
        status: r.retired_at ? ('retired' as const) : ('active' as const),
        createdAt: r.created_at.toISOString(),
        ...(r.retired_at ? { retiredAt: r.retired_at.toISOString() } : {}),
      })),
    }
  }

  private async recordConfigured(tx: SchemaTx, keys: ConfiguredRoomKey[]): Promise<ActiveKey> {
    const s = sql.id(this.schema)
    for (const k of keys) {
      const publicKey = bytesToHex(ed25519PublicKeyOf(hexToBytes(k.secretKeyHex)))
      const { rows } = await sql<{ public_key: string }>`
        insert into ${s}.room_signing_keys (key_id, public_key, origin)
        values (${k.keyId}, ${publicKey}, 'configured')
        on conflict (key_id) do update set key_id = excluded.key_id
        returning public_key`.execute(tx)
      if (rows[0]?.public_key !== publicKey) {
        throw new Error(`PACTS_SIGNING_KEYS: key id ${k.keyId} is already another key's`)
      }
    }
    const first = keys[0]!
    return { keyId: first.keyId, secretKey: hexToBytes(first.secretKeyHex) }
  }

  private async generated(tx: SchemaTx): Promise<ActiveKey> {
    const s = sql.id(this.schema)
    const read = async () => {
      const { rows } = await sql<{ key_id: string; secret_key: string }>`
        select key_id, secret_key from ${s}.room_signing_keys where origin = 'generated'`.execute(
        tx,
      )
      return rows[0]
    }
    let row = await read()
    if (!row) {
      const { secretKey, publicKey } = generateEd25519KeyPair()
      const publicHex = bytesToHex(publicKey)
      await sql`insert into ${s}.room_signing_keys (key_id, public_key, secret_key, origin)
        values (${`pacts-dev-${publicHex.slice(0, 12)}`}, ${publicHex}, ${bytesToHex(secretKey)},
          'generated')`.execute(tx)
      row = await read()
    }
    return { keyId: row!.key_id, secretKey: hexToBytes(row!.secret_key) }
  }
}

const hexToBytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'))
const bytesToHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

async function configuredKeys(config: RoomsConfig): Promise<ConfiguredRoomKey[]> {
  if (config.PACTS_SIGNING_KEYS?.length) return config.PACTS_SIGNING_KEYS
  if (!config.PACTS_SIGNING_KEYS_FILE) return []
  const parsed = RoomSigningKeys.safeParse(await readFile(config.PACTS_SIGNING_KEYS_FILE, 'utf8'))
  if (!parsed.success) {
    throw new Error(`PACTS_SIGNING_KEYS_FILE: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  }
  return parsed.data
}
