import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common'
import { sql } from 'kysely'
import {
  EvaluateTrustBody,
  type TrustEvaluation,
  type TrustExplanation,
  type TrustProfile,
} from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import { CONFIG, DB, NoApiKey, NotFound, SERVICE_SCHEMA, parseInput } from '@tessera/service-kit'
import { evaluatePolicy } from '../domain/trust/policy.ts'

/**
 * An agent's trust profile, its explanation and a policy check. Public by design: any
 * counterparty may ask how far to trust an agent before trading with it (the reference's
 * layer 2). Each call is one indexed row read; evaluate adds a loop over the profile's pacts.
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
  async profile(@Param('id') id: string): Promise<TrustProfile> {
    return (await this.load(id, 'profile')).profile
  }

  @Get(':id/explain')
  async explain(@Param('id') id: string): Promise<TrustExplanation> {
    return (await this.load(id, 'explanation')).explanation
  }

  @Post(':id/evaluate')
  @HttpCode(200)
  async evaluate(@Param('id') id: string, @Body() body: unknown): Promise<TrustEvaluation> {
    const { policy } = parseInput(EvaluateTrustBody, body)
    const { profile } = await this.load(id, 'profile')
    const r = evaluatePolicy(profile, policy, new Date(), this.config.SCORING_HIGH_VALUE_MICRO)
    return { ...r, modelVersion: profile.modelVersion }
  }

  /** `agt_…`, `A-1234abcd` (or its 8 hex digits) or `did:key:…`; anything else is a 404. */
  private async load(
    id: string,
    want: 'profile' | 'explanation',
  ): Promise<{ profile: TrustProfile; explanation: TrustExplanation }> {
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
    const { rows } = await sql<{
      profile: string | null
      explanation: string | null
      under_review: boolean
    }>`
      select case when ${want === 'profile'} then p.profile end as profile,
        case when ${want === 'explanation'} then p.explanation end as explanation, exists (
          select 1 from ${s}.agent_profiles o
          where o.org_id = p.org_id and o.org_id <> '' and cardinality(o.flagged_counterparties) > 0
        ) as under_review
      from ${s}.agent_profiles p where p.${column} = ${value}
      order by p.agent_id limit 1`.execute(this.db)
    const row = rows[0]
    if (!row) throw NotFound('agent', id)
    const profile = (row.profile === null ? null : JSON.parse(row.profile)) as TrustProfile
    const explanation = (
      row.explanation === null ? null : JSON.parse(row.explanation)
    ) as TrustExplanation
    return {
      profile: profile === null ? profile : { ...profile, orgUnderReview: row.under_review },
      explanation,
    }
  }
}
