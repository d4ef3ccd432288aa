import { z } from 'zod'

/** The lifecycle's settings, spread into escrow's env. */
export const EscrowLifecycleEnv = {
  /** How often the durable scheduler's idle worker looks for due deadlines. */
  ESCROW_SCHEDULER_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  /**
   * How far the deadline moves, once, for a seller seen alive before it (docs/escrow.md, the
   * grace rule). 48 h; shorter only where a test must see the grace end.
   */
  ESCROW_DEADLINE_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(48 * 3600),
  /**
   * A round-1 verdict settles this long after its `appealableUntil`, so an appeal filed just
   * inside the window reaches escrow (over the bus) before the settlement does.
   */
  ESCROW_APPEAL_SETTLE_GRACE_SECONDS: z.coerce.number().min(0).max(86_400).default(300),
}
