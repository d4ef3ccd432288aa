import { timingSafeEqual } from 'node:crypto'
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
  createParamDecorator,
} from '@nestjs/common'
import type { Logger } from 'pino'
import { type Migration, sql } from 'kysely'
import { ApiKeyIssued, ApiKeyRevoked, type AnyEnvelope, type ApiKeyRole } from '@tessera/contracts'
import { sha256Hex } from '@tessera/crypto'
import {
  type AppendContext,
  assertSchemaName,
  type SchemaDb,
  type SchemaTx,
} from '@tessera/event-store'
import type { InlineProjection } from './inline-projection.ts'
import { AuthFailed } from './errors.ts'
import { API_KEY_ROWS, CONFIG, DB, LOGGER, SERVICE_SCHEMA } from './tokens.ts'
import type { BaseEnv } from './config.ts'
import { NotifiedCache, PgListener } from './pg-listener.ts'
import { EventConsumer, On } from './event-consumer.ts'
import { accessOf, requireRole } from './roles.ts'

export interface AuthContext {
  orgId: string
  keyId: string
  role: ApiKeyRole
  /** The ULID of the user the key acts for, when it has one. */
  userId?: string
}

/** The append context of a change made through the API: the caller's key is the actor. */
export function apiKeyActor(auth: AuthContext): AppendContext {
  return { actor: { kind: 'api_key', id: auth.keyId, orgId: auth.orgId } }
}

// The services hash keys and tokens with it through service-kit; @tessera/crypto has the one copy.
export { sha256Hex }

export function apiKeyMigrations(schema: string): Record<string, Migration> {
  const s = sql.id(assertSchemaName(schema))
  return {
    '2026_11_21_0002_api_keys': {
      async up(db: SchemaDb) {
        await sql`
          create table ${s}.api_keys (
            key_hash text primary key,
            key_id text not null unique,
            org_id text not null,
            role text not null,
            revoked_at timestamptz
          )`.execute(db)
      },
    },
    '2026_11_21_2300_api_key_user': {
      async up(db: SchemaDb) {
        await sql`alter table ${s}.api_keys add column user_id text`.execute(db)
      },
    },
    '2026_12_06_1900_api_key_notify': {
      async up(db: SchemaDb) {
        // Each replica caches key rows (ApiKeyCache) and drops one when its row changes:
        // NOTIFY is sent at COMMIT to every listener, so a revocation reaches all replicas as
        // soon as the bus has brought it to this table.
        await sql`create function ${s}.api_keys_changed() returns trigger language plpgsql as $$
          begin
            perform pg_notify(tg_table_schema || '_api_keys',
              case when tg_op = 'DELETE' then old.key_hash else new.key_hash end);
            return null;
          end $$`.execute(db)
        await sql`create trigger api_keys_changed
          after insert or delete or update of revoked_at, role, org_id, user_id on ${s}.api_keys
          for each row execute function ${s}.api_keys_changed()`.execute(db)
      },
    },
  }
}

/** Upserts a key; guardian calls it inline for read-your-writes, every service via the bus. */
export async function recordApiKey(db: SchemaDb | SchemaTx, schema: string, k: ApiKeyIssued) {
  await sql`insert into ${sql.id(schema)}.api_keys (key_hash, key_id, org_id, role, user_id)
    values (${k.keyHash}, ${k.keyId}, ${k.orgId}, ${k.role}, ${k.userId ?? null})
    on conflict (key_hash) do nothing`.execute(db)
}

/** Marks a key revoked; guardian calls it inline so revocation is immediate there, too. */
export async function recordApiKeyRevoked(
  db: SchemaDb | SchemaTx,
  schema: string,
  k: ApiKeyRevoked,
) {
  await sql`update ${sql.id(schema)}.api_keys set revoked_at = ${k.revokedAt}
    where key_id = ${k.keyId}`.execute(db)
}

/** Every service learns API keys from guardian's events, so it can authenticate on its own. */
@EventConsumer({ name: 'api-keys', context: 'guardian', rebuildable: true })
@Injectable()
export class ApiKeyProjection {
  constructor(@Inject(SERVICE_SCHEMA) private readonly schema: string) {}

  @On('ApiKeyIssued')
  async issued(tx: SchemaTx, e: AnyEnvelope) {
    await recordApiKey(tx, this.schema, ApiKeyIssued.parse(e.data))
  }

  @On('ApiKeyRevoked')
  async revoked(tx: SchemaTx, e: AnyEnvelope) {
    await recordApiKeyRevoked(tx, this.schema, ApiKeyRevoked.parse(e.data))
  }

  async reset(tx: SchemaTx) {
    await sql`delete from ${sql.id(this.schema)}.api_keys`.execute(tx)
  }
}

/**
 * `api_keys` written inline from the org's own events, for the service that issues keys
 * (guardian): a key works, and a revoked one stops working, as the append commits. The rows
 * are the ones {@link ApiKeyProjection} writes from the bus, which stays idempotent beside it.
 */
export const apiKeysInlineProjection: InlineProjection = {
  name: 'api-keys',
  tables: ['api_keys'],
  handles: ['ApiKeyIssued', 'ApiKeyRevoked'],
  async evolve(tx, schema, e) {
    const projection = new ApiKeyProjection(schema)
    if (e.type === 'ApiKeyIssued') await projection.issued(tx, e)
    if (e.type === 'ApiKeyRevoked') await projection.revoked(tx, e)
  },
}

/**
 * This replica's copy of the `api_keys` rows requests present, by key hash, so a request
 * authenticates without a query. The table's trigger NOTIFYs `<schema>_api_keys` at commit
 * (a key issued, revoked or changed, as the bus brings it), and the row is dropped from every
 * replica's copy as that commit lands. While the LISTEN connection is down nothing is kept.
 */
@Injectable()
export class ApiKeyCache implements OnModuleInit, OnApplicationShutdown, ApiKeyRowSource {
  private readonly listener: PgListener
  private readonly rows: NotifiedCache<ApiKeyRow | null>

  constructor(
    @Inject(CONFIG) config: BaseEnv,
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(LOGGER) log: Logger,
  ) {
    this.listener = new PgListener({
      connectionString: config.DATABASE_URL,
      channel: `${schema}_api_keys`,
      applicationName: 'api-key-cache',
      log,
      onNotify: (hash) => this.rows.delete(hash),
      onReset: () => this.rows.clear(),
    })
    this.rows = new NotifiedCache(() => this.listener.listening)
  }

  async onModuleInit() {
    await this.listener.start()
  }

  async onApplicationShutdown() {
    await this.listener.stop()
  }

  find(hash: string): Promise<ApiKeyRow | null> | ApiKeyRow | null {
    return this.rows.get(hash, () => findApiKey(this.db, this.schema, hash))
  }
}

const KEY_FORMAT = /^tsk_live_[A-Za-z0-9_-]{20,100}$/

/**
 * Resolves `Authorization: Bearer tsk_live_…` to its org, or fails with 401 AUTH_FAILED; then
 * lets through only the roles the route names with `@Roles(...)`, or fails with 403
 * AUTH_DENIED. This is the one place roles are enforced (docs/roles.md).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(DB) protected readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) protected readonly schema: string,
    @Optional() @Inject(API_KEY_ROWS) private readonly rows?: ApiKeyRowSource,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; auth?: AuthContext }>()
    const hash = bearerKeyHash(req.headers['authorization'])
    const auth = hash === null ? null : authFromKeyRow(hash, await this.findKey(hash))
    if (!auth) throw AuthFailed()
    requireRole(auth.role, accessOf(ctx.getHandler(), ctx.getClass()))
    req.auth = auth
    return true
  }

  /** Where the key's row comes from: this replica's cache, else Postgres. */
  private findKey(hash: string): Promise<ApiKeyRow | null> | ApiKeyRow | null {
    return this.rows ? this.rows.find(hash) : findApiKey(this.db, this.schema, hash)
  }
}

/**
 * Resolves an `Authorization: Bearer tsk_live_…` header to its key, or null when it is absent,
 * malformed, unknown or revoked. For endpoints where a key is optional (Arden v1).
 */
export async function authenticateKey(
  db: SchemaDb,
  schema: string,
  authorization: string | undefined,
): Promise<AuthContext | null> {
  const hash = bearerKeyHash(authorization)
  return hash === null ? null : authFromKeyRow(hash, await findApiKey(db, schema, hash))
}

/** The SHA-256 of the bearer API key, or null when the header holds none that could be one. */
function bearerKeyHash(authorization: string | undefined): string | null {
  const key = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
  return key && KEY_FORMAT.test(key) ? sha256Hex(key) : null
}

/** What `ApiKeyGuard` reads key rows from (the `API_KEY_ROWS` token). */
export interface ApiKeyRowSource {
  find(hash: string): Promise<ApiKeyRow | null> | ApiKeyRow | null
}

/** An `api_keys` row, as authentication reads it. */
export interface ApiKeyRow {
  key_hash: string
  key_id: string
  org_id: string
  role: ApiKeyRole
  user_id: string | null
  revoked_at: Date | null
}

export async function findApiKey(
  db: SchemaDb,
  schema: string,
  hash: string,
): Promise<ApiKeyRow | null> {
  const { rows } = await sql<ApiKeyRow>`select key_hash, key_id, org_id, role, user_id, revoked_at
    from ${sql.id(schema)}.api_keys where key_hash = ${hash}`.execute(db)
  return rows[0] ?? null
}

/** The caller a key row stands for; null when there is none or it is revoked. */
function authFromKeyRow(hash: string, row: ApiKeyRow | null): AuthContext | null {
  // The lookup is by hash; the constant-time compare guards against any index timing leak.
  if (!row || row.revoked_at || !timingSafeEqual(Buffer.from(row.key_hash), Buffer.from(hash))) {
    return null
  }
  const auth: AuthContext = { orgId: row.org_id, keyId: row.key_id, role: row.role }
  if (row.user_id) auth.userId = row.user_id
  return auth
}

/** The authenticated caller, set by {@link ApiKeyGuard}. */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<{ auth?: AuthContext }>().auth
  if (!auth) throw AuthFailed()
  return auth
})
