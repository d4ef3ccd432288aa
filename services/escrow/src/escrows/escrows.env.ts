import { z } from 'zod'

/** The lifecycle's settings, spread into escrow's env. */
export const EscrowLifecycleEnv = {
  /** How often the durable scheduler's idle worker looks for due deadlines. */
  ESCROW_SCHEDULER_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  /**
   * A round-1 verdict settles this long after its `appealableUntil`, so an appeal filed just
   * inside the window reaches escrow (over the bus) before the settlement does.
   */
  ESCROW_APPEAL_SETTLE_GRACE_SECONDS: z.coerce.number().min(0).max(86_400).default(300),
}
