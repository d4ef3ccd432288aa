import { Inject, Injectable } from '@nestjs/common'
import { CapabilityTokenIssued, CapabilityTokenRevoked, TokenId } from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import {
  ApiError,
  type AuthContext,
  DB,
  EVENT_LOG,
  type EventLog,
  NotFound,
  SERVICE_SCHEMA,
  ValidationFailed,
  newId,
  newSecret,
  sha256Hex,
  apiKeyActor,
} from '@tessera/service-kit'
import { type Introspection, introspect } from '../domain/token/introspection.ts'
import {
  AgentNotActive,
  InvalidTtl,
  ScopeNotGranted,
  TokenAgentNotFound,
  TokenAlreadyRevoked,
  type TokenCommand,
  TokenNotFound,
  tokenDecider,
  tokenStreamId,
} from '../domain/token/token.decider.ts'
import { findHolder, findTokenByHash } from './tokens.repository.ts'

/** Opaque capability tokens: `tcap_` + 256 random bits, shown once, stored as SHA-256. */
export const TOKEN_PREFIX = 'tcap_'

export interface IssuedToken {
  tokenId: string
  token: string
  agentId: string
  scopes: string[]
  audience: string[]
  expiresAt: string
}

@Injectable()
export class TokensService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  async issue(
    auth: AuthContext,
    input: { agentId: string; scopes: string[]; audience: string[]; ttlSeconds: number },
  ): Promise<IssuedToken> {
    const tokenId = newId('tok')
    const token = newSecret(TOKEN_PREFIX)
    const event = await this.db
      .transaction()
      .execute(async (tx) => {
        const agent = await findHolder(tx, this.schema, auth.orgId, input.agentId)
        const command: TokenCommand = {
          type: 'IssueToken',
          tokenId,
          tokenHash: sha256Hex(token),
          agent,
          orgId: auth.orgId,
          ...input,
          now: new Date(),
        }
        return CapabilityTokenIssued.parse(await this.handle(auth, command, tx))
      })
      .catch(rethrow(input.agentId))
    const { agentId, scopes, audience, expiresAt } = event
    return { tokenId, token, agentId, scopes, audience, expiresAt }
  }

  async introspect(
    auth: AuthContext,
    q: { token: string; target?: string | undefined; requiredScopes?: string[] | undefined },
  ): Promise<Introspection> {
    const record = await findTokenByHash(this.db, this.schema, auth.orgId, sha256Hex(q.token))
    return introspect(record, q, new Date())
  }

  async revoke(
    auth: AuthContext,
    tokenId: string,
  ): Promise<{ tokenId: string; revokedAt: string }> {
    if (!TokenId.safeParse(tokenId).success) throw NotFound('token', tokenId)
    const command: TokenCommand = {
      type: 'RevokeToken',
      tokenId,
      orgId: auth.orgId,
      now: new Date(),
    }
    return this.db
      .transaction()
      .execute(async (tx) => {
        const revoked = CapabilityTokenRevoked.parse(await this.handle(auth, command, tx))
        return { tokenId, revokedAt: revoked.revokedAt }
      })
      .catch(rethrow(tokenId))
  }

  /** Runs one command on its token's stream, as the caller, in `tx`; returns its event's data. */
  private async handle(auth: AuthContext, command: TokenCommand, tx: SchemaTx) {
    const stream = tokenStreamId(command.tokenId)
    const [e] = await this.log.handle(stream, tokenDecider, command, apiKeyActor(auth), tx)
    return e?.data
  }
}

function rethrow(id: string) {
  return (err: unknown): never => {
    if (err instanceof TokenAgentNotFound) throw NotFound('agent', id)
    if (err instanceof TokenNotFound) throw NotFound('token', id)
    if (err instanceof AgentNotActive)
      throw new ApiError(409, 'AGENT_REVOKED', err.message, { agent: id })
    if (err instanceof TokenAlreadyRevoked)
      throw new ApiError(409, 'TOKEN_REVOKED', err.message, { token: id })
    if (err instanceof ScopeNotGranted) {
      throw ValidationFailed(err.message, { field: 'scopes', notGranted: err.scopes })
    }
    if (err instanceof InvalidTtl) throw ValidationFailed(err.message, { field: 'ttlSeconds' })
    throw err
  }
}
