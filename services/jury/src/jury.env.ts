import { z } from 'zod'
import { serviceEnv } from '@tessera/service-kit'
import { DEFAULT_JUDGES, JudgesJson } from './judges/judges.config.ts'

const seconds = (def: number) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(def)

export const JuryEnv = serviceEnv('jury').extend({
  /** The judges seats are filled from, in turn (docs/jury.md). Default: the rules judge. */
  JURY_JUDGES: JudgesJson.default(DEFAULT_JUDGES),
  /** The appeal's judges, for a different model mix; default: JURY_JUDGES. */
  JURY_APPEAL_JUDGES: JudgesJson.optional(),
  /** Votes a verdict needs; fewer and the panel sits again later. */
  JURY_QUORUM: z.coerce.number().int().min(1).max(15).default(3),
  /** How long the other party may respond before the panel sits. Default 24 h. */
  JURY_RESPONSE_WINDOW_SECONDS: seconds(86_400),
  /** How long after a first verdict a party may appeal; 0 turns appeals off. Default 24 h. */
  JURY_APPEAL_WINDOW_SECONDS: seconds(86_400),
  /** The appeal fee, in basis points of the escrow amount (floor). Default 100: 1%. */
  JURY_APPEAL_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(100),
  /** One judge call; a slower one is aborted and retried, then excluded. */
  JURY_JUDGE_TIMEOUT_MS: z.coerce.number().int().min(10).max(600_000).default(60_000),
  /** Further tries of a judge that failed or answered malformed JSON. */
  JURY_JUDGE_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  /** After a missed quorum, when the panel sits again (doubling per attempt, capped at 1 day). */
  JURY_RETRY_SECONDS: seconds(300),
  /** Panels that may sit at once in one process (each waits on its judges). */
  JURY_PANEL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** How often the durable scheduler's idle worker looks for due panels. */
  JURY_SCHEDULER_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
})
export type JuryEnv = z.infer<typeof JuryEnv>
