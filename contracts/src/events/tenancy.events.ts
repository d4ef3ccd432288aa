import { z } from 'zod'
import { OrgId } from './guardian.events.ts'

/** Money on the wire: integer micro-units as a decimal string (1 USDC = 1000000). */
export const MicroUnits = z
  .string()
  .regex(/^-?\d{1,38}$/, 'must be integer micro-units as a string')

/** ingest: the org's telemetry redaction setting, provisioned empty when the org appears. */
export const RedactionPolicySet = z.object({
  orgId: OrgId,
  dropKeys: z.array(z.string().min(1)).max(100),
  hashKeys: z.array(z.string().min(1)).max(100),
})
export type RedactionPolicySet = z.infer<typeof RedactionPolicySet>

/** escrow: an account in the double-entry ledger: an org's operating account or an agent's wallet. */
export const AccountOpened = z.object({
  accountId: z.string().min(1),
  orgId: OrgId,
  currency: z.literal('USDC'),
  balance: MicroUnits,
  /** Absent on accounts opened before agents had wallets: those are `org`. */
  kind: z.enum(['org', 'agent']).optional(),
  agentId: z.string().min(1).optional(),
})
export type AccountOpened = z.infer<typeof AccountOpened>

/**
 * escrow: money came in through a rail onto an account (the internal rail: an admin's credit).
 * The ledger transfer `transferId` carries this event's id.
 */
export const FundsDeposited = z.object({
  accountId: z.string().min(1),
  orgId: OrgId,
  amount: MicroUnits,
  rail: z.literal('internal'),
  transferId: z.string().min(1),
  reference: z.string().optional(),
})
export type FundsDeposited = z.infer<typeof FundsDeposited>

/**
 * pacts: an org's default room. No longer appended (a room is now a pact's, id = pactId); kept
 * so the logs that hold it still parse.
 */
export const RoomOpened = z.object({
  roomId: z.string().min(1),
  orgId: OrgId,
  name: z.string().min(1).max(200),
})
export type RoomOpened = z.infer<typeof RoomOpened>

/** jury: how disputes of this org are judged. */
export const JuryPolicySet = z.object({
  orgId: OrgId,
  judges: z.number().int().min(1).max(15),
  trimmedPerSide: z.number().int().min(0).max(7),
})
export type JuryPolicySet = z.infer<typeof JuryPolicySet>

/** scoring: a subject's trust score moved (or was first computed). */
export const ScoreChanged = z.object({
  subjectKind: z.enum(['org', 'agent']),
  subjectId: z.string().min(1),
  score: z.number().int().min(0).max(1000),
  previousScore: z.number().int().min(0).max(1000).nullable(),
  modelVersion: z.string().min(1),
  reasons: z.array(z.object({ code: z.string(), weight: z.number(), detail: z.string() })),
  /** Agents only: the bond tier with the score, and the one before (a tier change alone also publishes). */
  bondTier: z.number().int().min(0).max(5).optional(),
  previousBondTier: z.number().int().min(0).max(5).nullable().optional(),
})
export type ScoreChanged = z.infer<typeof ScoreChanged>
