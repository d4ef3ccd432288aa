import { z } from 'zod'
import { serviceEnv } from '@tessera/service-kit'
import { RoomsEnv } from './rooms/rooms.env.ts'

export const PactsEnv = serviceEnv('pacts').extend({
  /** Rounds a negotiation may have; a counter past it expires the pact (`round_limit`). */
  PACTS_ROUND_LIMIT: z.coerce.number().int().min(1).max(20).default(3),
  /** How long a round waits for an answer before it expires (`unanswered`). Default 24 h. */
  PACTS_ROUND_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(86_400),
  /** How often the durable scheduler's idle worker looks for due expiries. */
  PACTS_SCHEDULER_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  ...RoomsEnv,
})
export type PactsEnv = z.infer<typeof PactsEnv>
