import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common'
import { RouteConfig } from '@nestjs/platform-fastify'
import { sql } from 'kysely'
import {
  EvaluateTrustBody,
  type TrustEvaluation,
  type TrustExplanation,
  type TrustProfile,
} from '@tessera/contracts'
import type { SchemaDb, SchemaTx } from '@tessera/event-store'
import {
  CONFIG,
  DB,
  NoApiKey,
  NotFound,
  RATE_LIMITED,
  SERVICE_SCHEMA,
  parseInput,
} from '@tessera/service-kit'
import { evaluatePolicy } from '../domain/trust/policy.ts'
import { explainAgent } from '../domain/trust/trust-projection.ts'
import { PgEvidenceStore } from './pg-evidence-store.ts'

/**
 * An agent's trust profile, its explanation and a policy check. Public by design: any
 * counterparty may ask how far to trust an agent before trading with it (the reference's
 * layer 2). A profile is one indexed row read; evaluate adds a loop over the profile's pacts;
 * explain reads the agent's evidence too and computes the explanation from it.
 */
@Controller('api/v1/trust')
@NoApiKey('public by design: any counterparty may ask how far to trust an agent, and why')
export class AgentTrustController {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(CONFIG) private readonly config: { SCORING_HIGH_VALUE_MICRO: bigint },
  ) {}

  @Get(':id')
  profile(@Param('id') id: string): Promise<TrustProfile> {
    return this.load(this.db, id)
  }

  /**
   * Built on read from the agent's evidence, in one snapshot with its stored profile. Its cost
   * grows with that evidence: limited per client IP (SCORING_EXPLAIN_RATE_LIMIT_PER_MINUTE).
   */
  @Get(':id/explain')
  @RouteConfig(RATE_LIMITED)
  explain(@Param('id') id: string): Promise<TrustExplanation> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        const profile = await this.load(tx, id)
        const store = new PgEvidenceStore(tx, this.schema, 'read', null)
        const evidence = await store.evidenceOf([profile.tesseraAgentId])
        return explainAgent(profile.tesseraAgentId, evidence, profile.anomalyFlags)
      })
  }

  @Post(':id/evaluate')
  @HttpCode(200)
  async evaluate(@Param('id') id: string, @Body() body: unknown): Promise<TrustEvaluation> {
    const { policy } = parseInput(EvaluateTrustBody, body)
    const profile = await this.load(this.db, id)
    const r = evaluatePolicy(profile, policy, new Date(), this.config.SCORING_HIGH_VALUE_MICRO)
    return { ...r, modelVersion: profile.modelVersion }
  }

  /** `agt_…`, `A-1234abcd` (or its 8 hex digits) or `did:key:…`; anything else is a 404. */
  private async load(db: SchemaDb | SchemaTx, id: string): Promise<TrustProfile> {
    const s = sql.id(this.schema)
    const handle = /^(A-)?([0-9a-f]{8})$/.exec(id)
    const [column, value] = handle
      ? [sql`handle`, handle[2]!]
      : /^agt_[0-9a-z]{26}$/.test(id)
        ? [sql`agent_id`, id]
        : /^did:key:z[1-9A-HJ-NP-Za-km-z]{1,100}$/.test(id)
          ? [sql`did`, id]
          : [null, id]
    if (column === null) throw NotFound('agent', id.slice(0, 200))
    const { rows } = await sql<{ profile: string; under_review: boolean }>`
      select p.profile, exists (
          select 1 from ${s}.agent_profiles o
          where o.org_id = p.org_id and o.org_id <> '' and cardinality(o.flagged_counterparties) > 0
        ) as under_review
      from ${s}.agent_profiles p where p.${column} = ${value}
      order by p.agent_id limit 1`.execute(db)
    const row = rows[0]
    if (!row) throw NotFound('agent', id)
    return { ...(JSON.parse(row.profile) as TrustProfile), orgUnderReview: row.under_review }
  }
}
