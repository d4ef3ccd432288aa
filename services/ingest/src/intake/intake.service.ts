import { Inject, Injectable } from '@nestjs/common'
import type { ArdenResponse } from '@tessera/contracts'
import { contentHash, sha256Hex } from '@tessera/crypto'
import type { SchemaDb } from '@tessera/event-store'
import { ApiError, type AuthContext, DB, SERVICE_SCHEMA } from '@tessera/service-kit'
import { acceptArden, checkArdenEvents, handlesOf } from '../domain/intake/arden.intake.ts'
import type { IntakeDeps, KnownAgent } from '../domain/intake/intake.types.ts'
import {
  type TelemetryResult,
  acceptTelemetry,
  agentIdsOf,
  checkTelemetryEvents,
} from '../domain/intake/telemetry.intake.ts'
import type { BatchClaim } from '../log/group-commit.ts'
import { TelemetryLog } from '../log/telemetry-log.ts'
import { newEventId } from './event-ids.ts'
import { lookupAgents } from './lookups.ts'

export interface ArdenOutcome {
  response: ArdenResponse
  /** Why each rejected index was rejected, in words. */
  messages: Map<number, string>
}

export interface TelemetryOutcome {
  response: TelemetryResult & { batchId: string }
  /** True when this is a retry of a batch already stored: nothing new was written. */
  replayed: boolean
}

/** Where an intake message's idempotency claims live: they belong to no org. */
const INTAKE_ORG = ''

/**
 * Both protocols, whether they arrive over HTTP or the bus: validate (pure), look up the agents
 * and redaction in one query, then store through the group commit. Resolves after the commit.
 */
@Injectable()
export class IntakeService {
  private readonly deps: IntakeDeps = { newEventId, hash: sha256Hex }

  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(TelemetryLog) private readonly log: TelemetryLog,
  ) {}

  /** Arden v1 events; `auth` is the optional Bearer key, `claimId` a bus intake's idempotency key. */
  async arden(
    raw: readonly unknown[],
    auth?: AuthContext | null,
    claimId?: { id: string; hash: string },
  ): Promise<ArdenOutcome> {
    const checked = checkArdenEvents(raw, auth?.userId)
    const { agents, policies } = await lookupAgents(
      this.db,
      this.schema,
      'handle',
      handlesOf(checked),
    )
    const { records, response, messages } = acceptArden(
      checked,
      agents,
      policies,
      this.deps,
      auth?.orgId,
    )
    if (records.length || claimId) {
      const claim = claimId && {
        orgId: INTAKE_ORG,
        batchId: claimId.id,
        contentHash: claimId.hash,
        response,
      }
      const outcome = await this.log.store(records, claim)
      if (!outcome.stored)
        return { response: outcome.existing.response as ArdenResponse, messages: new Map() }
    }
    return { response, messages }
  }

  /**
   * A telemetry batch. The batch id makes it idempotent: the same id with the same events is
   * answered from the first attempt; with other events it is a 409 `BATCH_CONFLICT`. A client's
   * batch id belongs to the key's org; on the bus (no key) to the orgs of the batch's agents, so
   * two orgs may both send `b-0001`. `clientBatch: false` is a bus message's own id, global.
   */
  async telemetry(
    orgId: string | null,
    batchId: string,
    raw: readonly unknown[],
    clientBatch = true,
  ): Promise<TelemetryOutcome> {
    const checked = checkTelemetryEvents(raw)
    const { agents, policies } = await lookupAgents(
      this.db,
      this.schema,
      'agent_id',
      agentIdsOf(checked),
    )
    const { records, result } = acceptTelemetry(
      checked,
      agents,
      policies,
      this.deps,
      orgId ?? undefined,
    )
    const response = { batchId, ...result }
    const claim: BatchClaim = {
      orgId: orgId ?? (clientBatch ? ownersOf(agents.values()) : INTAKE_ORG),
      batchId,
      contentHash: contentHash(raw),
      response,
    }
    const outcome = await this.log.store(records, claim)
    if (outcome.stored) return { response, replayed: false }
    if (outcome.existing.contentHash !== claim.contentHash) {
      throw new ApiError(
        409,
        'BATCH_CONFLICT',
        `batch ${batchId} was already sent with other events`,
        { batchId },
      )
    }
    return { response: outcome.existing.response as TelemetryOutcome['response'], replayed: true }
  }
}

/** Who owns a keyless batch id: the org of its agents (several are hashed, to bound the key). */
function ownersOf(agents: Iterable<KnownAgent>): string {
  const orgs = [...new Set([...agents].map((a) => a.orgId))].sort()
  if (orgs.length <= 1) return orgs[0] ?? INTAKE_ORG
  return `orgs:${sha256Hex(orgs.join(','))}`
}
