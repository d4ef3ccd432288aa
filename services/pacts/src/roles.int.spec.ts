import { describeRoleMatrix, seedRoleKeys, startInProcess } from '@tessera/testing'
import { pacts } from './service.ts'

/** Every pacts route × every role, as docs/roles.md says. */
describeRoleMatrix('pacts', async () => {
  const svc = await startInProcess(pacts)
  return { svc, keys: await seedRoleKeys(svc) }
})
