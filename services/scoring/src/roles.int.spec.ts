import { describeRoleMatrix, seedRoleKeys, startInProcess } from '@tessera/testing'
import { scoring } from './service.ts'

/** Every scoring route × every role, as docs/roles.md says. */
describeRoleMatrix('scoring', async () => {
  const svc = await startInProcess(scoring)
  return { svc, keys: await seedRoleKeys(svc) }
})
