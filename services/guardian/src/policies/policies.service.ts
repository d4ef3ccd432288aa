import { Inject, Injectable } from '@nestjs/common'
import { type GuardPolicy, GuardPolicySet } from '@tessera/contracts'
import type { SchemaDb } from '@tessera/event-store'
import {
  ApiError,
  type AuthContext,
  AuthDenied,
  DB,
  EVENT_LOG,
  type EventLog,
  SERVICE_SCHEMA,
  ValidationFailed,
  apiKeyActor,
} from '@tessera/service-kit'
import {
  type GuardPolicyCommand,
  InvalidRule,
  PolicyTooCostly,
  guardPolicyDecider,
  guardPolicyStreamId,
} from '../domain/policy/guard-policy.decider.ts'
import { type GuardPolicyView, findGuardPolicy } from './policies.repository.ts'

/** An org's own rules for action checks; replicas pick a new version up through NOTIFY. */
@Injectable()
export class PoliciesService {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  async get(auth: AuthContext): Promise<GuardPolicyView> {
    return findGuardPolicy(this.db, this.schema, auth.orgId)
  }

  /** Replaces the whole policy (admin keys only); every rule is compiled before it is kept. */
  async set(auth: AuthContext, policy: GuardPolicy): Promise<GuardPolicyView> {
    if (auth.role !== 'admin') throw AuthDenied('only an admin key may change the guard policy')
    const command: GuardPolicyCommand = {
      type: 'SetGuardPolicy',
      orgId: auth.orgId,
      policy,
      now: new Date(),
    }
    const set = await this.log
      .handle(guardPolicyStreamId(auth.orgId), guardPolicyDecider, command, apiKeyActor(auth))
      .then(([e]) => GuardPolicySet.parse(e?.data))
      .catch((err: unknown) => {
        if (err instanceof InvalidRule) {
          throw ValidationFailed(err.message, { rule: err.rule, path: err.path })
        }
        if (err instanceof PolicyTooCostly) {
          const { rule, path, budget, limit, used } = err
          throw new ApiError(422, err.code, err.message, { rule, path, budget, limit, used })
        }
        throw err
      })
    const { setAt, ...view } = set
    return { ...view, updatedAt: setAt }
  }
}
