import { describeRoleMatrix, seedRoleKeys, startInProcess } from '@tessera/testing'
import { jury } from './service.ts'

/** Every jury route × every role, as docs/roles.md says. */
describeRoleMatrix('jury', async () => {
  const svc = await startInProcess(jury)
  return { svc, keys: await seedRoleKeys(svc) }
})
