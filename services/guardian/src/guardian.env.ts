import { z } from 'zod'
import { serviceEnv } from '@tessera/service-kit'

export const GuardianEnv = serviceEnv('guardian').extend({
  /** Lets the operator create orgs (`POST /v1/orgs`); unset disables org creation. */
  TESSERA_BOOTSTRAP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
})
export type GuardianEnv = z.infer<typeof GuardianEnv>
