import { z } from 'zod'

/** The lifecycle's settings, spread into escrow's env. */
export const EscrowLifecycleEnv = {
  /** How often the durable scheduler's idle worker looks for due deadlines. */
  ESCROW_SCHEDULER_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
}
