import { z } from 'zod'
import { BaseEnv } from '@tessera/service-kit'

export const GuardianEnv = BaseEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8082),
  /** Lets the operator create orgs (`POST /v1/orgs`); unset disables org creation. */
  TESSERA_BOOTSTRAP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
})
export type GuardianEnv = z.infer<typeof GuardianEnv>
