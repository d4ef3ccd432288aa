import { Inject, Injectable } from '@nestjs/common'
import { ulid } from 'ulid'
import { ApiKeyIssued, ApiKeyRevoked } from '@tessera/contracts'
import {
  ApiError,
  AuthDenied,
  type AuthContext,
  DB,
  EVENT_LOG,
  type EventLog,
  NotFound,
  SERVICE_SCHEMA,
  apiKeyActor,
  newId,
  newSecret,
  sha256Hex,
} from '@tessera/service-kit'
import type { SchemaDb } from '@tessera/event-store'
import {
  ApiKeyAlreadyRevoked,
  ApiKeyNotFound,
  LastAdminKey,
  NotAnAdminKey,
  type OrgCommand,
  OrgNotFound,
  orgDecider,
  orgStreamId,
} from '../domain/org/org.decider.ts'
import { type ApiKeyRole, parseOrgEvent } from '../domain/org/org.state.ts'
import {
  type ApiKeyView,
  apiKeysView,
  newestFirst,
} from '../domain/org/get-api-keys/api-keys.view.ts'
import { lockOrg } from './keys.repository.ts'

/** A new key, as the one response that ever carries it. */
export interface IssuedKey {
  keyId: string
  apiKey: string
  prefix: string
  role: ApiKeyRole
  name: string | null
  userId: string
  createdAt: string
}

/**
 * The org's API keys. The org's stream is the truth (its keys are few, so listing folds it);
 * `api_keys` is written in the same transaction, so a new key works and a revoked one fails
 * in guardian at once, and every other service follows from the events.
 */
@Injectable()
export class KeysService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  async issue(auth: AuthContext, input: { role: ApiKeyRole; name?: string | undefined }) {
    const apiKey = newSecret('tsk_live_')
    const key = {
      keyId: newId('key'),
      keyHash: sha256Hex(apiKey),
      prefix: apiKey.slice(0, 12),
      userId: ulid(),
    }
    const [event] = await this.handle(auth, {
      type: 'IssueApiKey',
      orgId: auth.orgId,
      by: auth.keyId,
      key,
      role: input.role,
      name: input.name,
      now: new Date(),
    })
    const issued = ApiKeyIssued.parse(event?.data)
    const created: IssuedKey = {
      keyId: key.keyId,
      apiKey,
      prefix: key.prefix,
      role: issued.role,
      name: issued.name ?? null,
      userId: key.userId,
      createdAt: issued.issuedAt,
    }
    return created
  }

  /** Newest first; `status` keeps only active or only revoked keys. */
  async list(auth: AuthContext, status?: ApiKeyView['status']): Promise<{ items: ApiKeyView[] }> {
    const keys = newestFirst(await this.keysOf(auth.orgId))
    return { items: status ? keys.filter((k) => k.status === status) : keys }
  }

  /** Revokes at once and for good; the answer is the key as `list` now shows it. */
  async revoke(auth: AuthContext, keyId: string): Promise<ApiKeyView> {
    if (!ApiKeyRevoked.shape.keyId.safeParse(keyId).success) throw NotFound('key', keyId)
    await this.handle(auth, {
      type: 'RevokeApiKey',
      orgId: auth.orgId,
      by: auth.keyId,
      keyId,
      now: new Date(),
    })
    const key = (await this.keysOf(auth.orgId)).get(keyId)
    if (!key) throw NotFound('key', keyId)
    return key
  }

  private async keysOf(orgId: string) {
    const history = await this.log.read(orgStreamId(orgId))
    return history.map(parseOrgEvent).reduce(apiKeysView.evolve, apiKeysView.initialState())
  }

  /** Decides on the org's stream, as the caller; `api_keys` is projected in the same transaction. */
  private async handle(auth: AuthContext, command: OrgCommand) {
    return this.db
      .transaction()
      .execute(async (tx) => {
        if (!(await lockOrg(tx, this.schema, auth.orgId))) throw NotFound('org', auth.orgId)
        const stream = orgStreamId(auth.orgId)
        return this.log.handle(stream, orgDecider, command, apiKeyActor(auth), tx)
      })
      .catch((err: unknown) => {
        throw toApiError(err, command)
      })
  }
}

/** The domain's refusals, as the API's errors. */
function toApiError(err: unknown, command: OrgCommand): unknown {
  const keyId = command.type === 'RevokeApiKey' ? command.keyId : undefined
  if (err instanceof NotAnAdminKey) return AuthDenied('only admin keys may manage API keys')
  if (err instanceof OrgNotFound) return NotFound('org', command.orgId)
  if (err instanceof ApiKeyNotFound) return NotFound('key', keyId ?? '')
  if (err instanceof ApiKeyAlreadyRevoked) {
    return new ApiError(409, 'KEY_REVOKED', err.message, { key: keyId })
  }
  if (err instanceof LastAdminKey) {
    return new ApiError(409, 'LAST_ADMIN_KEY', err.message, { key: keyId })
  }
  return err
}
