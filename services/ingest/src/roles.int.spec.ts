import { describeRoleMatrix, seedRoleKeys } from '@tessera/testing'
import { IngestHarness } from './testing/ingest-harness.ts'

/** Every ingest route × every role, as docs/roles.md says. */
describeRoleMatrix('ingest', async () => {
  const svc = await IngestHarness.start()
  return { svc, keys: await seedRoleKeys(svc) }
})
