import { z } from 'zod'
import { serviceEnv } from '@tessera/service-kit'

export const IngestEnv = serviceEnv('ingest').extend({
  /** Requests per minute on the write endpoints, per API key (or per IP without one). 0 disables. */
  INGEST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(60_000),
  /** Group-commit transactions at once; more overlap the fsyncs, fewer make bigger groups. */
  INGEST_COMMITS_IN_FLIGHT: z.coerce.number().int().min(1).max(16).default(2),
  /** How often (ms) the crash catch-up looks for committed groups not yet on the stream. */
  INGEST_CATCH_UP_INTERVAL_MS: z.coerce.number().int().min(100).default(2000),
})
export type IngestEnv = z.infer<typeof IngestEnv>
