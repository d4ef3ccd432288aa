import { describeRoleMatrix, seedRoleKeys, startInProcess } from '@tessera/testing'
import { escrow } from './service.ts'

/** Every escrow route × every role, as docs/roles.md says. */
describeRoleMatrix('escrow', async () => {
  const svc = await startInProcess(escrow)
  return { svc, keys: await seedRoleKeys(svc) }
})
