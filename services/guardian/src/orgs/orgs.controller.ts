import { timingSafeEqual } from 'node:crypto'
import { Body, Controller, Get, Headers, HttpCode, Inject, Post, UseGuards } from '@nestjs/common'
import { sql } from 'kysely'
import { ulid } from 'ulid'
import { z } from 'zod'
import {
  ApiError,
  ApiKeyGuard,
  Auth,
  type AuthContext,
  AuthFailed,
  CONFIG,
  DB,
  EVENT_LOG,
  type EventLog,
  NoApiKey,
  NotFound,
  Roles,
  SERVICE_SCHEMA,
  newId,
  newSecret,
  parseInput,
  sha256Hex,
} from '@tessera/service-kit'
import { decide, orgStreamId } from '../domain/org/org.decider.ts'
import { initialState } from '../domain/org/org.state.ts'
import type { GuardianEnv } from '../guardian.env.ts'
import type { SchemaDb } from '@tessera/event-store'

const CreateOrgBody = z.object({ name: z.string().trim().min(1).max(200) })

@Controller('v1/orgs')
export class OrgsController {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(CONFIG) private readonly config: GuardianEnv,
  ) {}

  /** Creates an org and its first admin key. Only the operator's bootstrap token may. */
  @Post()
  @NoApiKey("the operator's bootstrap token")
  @HttpCode(201)
  async create(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    this.requireBootstrapToken(authorization)
    const { name } = parseInput(CreateOrgBody, body)
    const orgId = newId('org')
    const apiKey = newSecret('tsk_live_')
    const adminKey = {
      keyId: newId('key'),
      keyHash: sha256Hex(apiKey),
      prefix: apiKey.slice(0, 12),
      userId: ulid(),
    }
    const events = decide(
      { type: 'CreateOrg', orgId, name, adminKey, now: new Date() },
      initialState(),
    )
    // The orgs row and the admin key's row are written from these events (inline projections).
    await this.log.append(orgStreamId(orgId), 'no_stream', events, {
      actor: { kind: 'system', id: 'bootstrap' },
    })
    return { orgId, name, keyId: adminKey.keyId, apiKey }
  }

  /** The caller's org, with the trust score scoring last published for it. */
  @Get('me')
  @UseGuards(ApiKeyGuard)
  @Roles('admin', 'member', 'approver')
  async me(@Auth() auth: AuthContext) {
    const { rows } = await sql<{
      org_id: string
      name: string
      created_at: Date
      score: number | null
      model_version: string | null
    }>`
      select o.org_id, o.name, o.created_at, s.score, s.model_version
      from ${sql.id(this.schema)}.orgs o left join ${sql.id(this.schema)}.org_scores s using (org_id)
      where o.org_id = ${auth.orgId}`.execute(this.db)
    const row = rows[0]
    if (!row) throw NotFound('org', auth.orgId)
    return {
      orgId: row.org_id,
      name: row.name,
      createdAt: row.created_at.toISOString(),
      trust: row.score === null ? null : { score: row.score, modelVersion: row.model_version },
    }
  }

  private requireBootstrapToken(authorization: string | undefined) {
    const expected = this.config.TESSERA_BOOTSTRAP_TOKEN
    if (!expected)
      throw new ApiError(403, 'AUTH_DENIED', 'org creation is disabled: no bootstrap token set')
    const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? ''
    const a = Buffer.from(sha256Hex(given))
    const b = Buffer.from(sha256Hex(expected))
    if (!timingSafeEqual(a, b)) throw AuthFailed('creating an org needs the bootstrap token')
  }
}
