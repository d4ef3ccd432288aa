import { z } from 'zod'
import { Condition } from '../conditions/condition.ts'
import { ActionEffect } from './action.events.ts'
import { OrgId } from './guardian.events.ts'

/**
 * One of an org's own rules for action checks. It applies when the tool matches one of
 * `tools` (globs, `db_*`, matched against the normalised tool name, so any spelling of it),
 * the capability one of `capabilities` (globs, `payments:*`), the effect is one of `effects`
 * and `when` holds over the check's policy document (docs/guardian/action-checks.md); an
 * omitted part always matches.
 */
export const GuardRule = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be 1–64 of a-z 0-9 _ . - (it names decisions)'),
  decision: z.enum(['deny', 'elevation_required']),
  tools: z.array(z.string().min(1).max(200)).min(1).max(50).optional(),
  capabilities: z.array(z.string().min(1).max(200)).min(1).max(50).optional(),
  effects: z.array(ActionEffect).min(1).optional(),
  when: Condition.optional(),
  /** Shown as the decision's reason; generated from the rule when omitted. */
  reason: z.string().trim().min(1).max(300).optional(),
})
export type GuardRule = z.infer<typeof GuardRule>

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

export const GuardPolicy = z.object({
  rules: z
    .array(GuardRule)
    .max(200)
    .refine((rules) => new Set(rules.map((r) => r.name)).size === rules.length, {
      message: 'rule names must be unique',
    }),
  /** IANA time zone the rules' `/time/*` fields are in, e.g. `Europe/Berlin`. */
  timezone: z
    .string()
    .min(1)
    .max(64)
    .refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin'),
  /** How long a pending approval waits, and how long an approved one may be used. */
  approvalWindowSeconds: z.number().int().min(1).max(86_400),
})
export type GuardPolicy = z.infer<typeof GuardPolicy>

/** An org replaced its guard policy; `version` counts from 1. */
export const GuardPolicySet = GuardPolicy.extend({
  orgId: OrgId,
  version: z.number().int().min(1),
  setAt: z.iso.datetime({ offset: true }),
})
export type GuardPolicySet = z.infer<typeof GuardPolicySet>
