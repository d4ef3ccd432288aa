import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectRebuildEqualsLive } from '@tessera/testing'
import { IngestHarness } from '../testing/ingest-harness.ts'
import { put } from '../testing/telemetry-fixtures.ts'
import { redactionPoliciesProjection } from './redaction-policies.projection.ts'

/** Ingest's redaction policies are an inline projection of its own log (issue 10). */

let h: IngestHarness

beforeAll(async () => {
  h = await IngestHarness.start()
})
afterAll(async () => {
  await h?.stop()
})

describe('redaction policies as an inline projection', () => {
  it('applies a policy in the PUT that set it: the next read sees it, with no wait', async () => {
    const key = await h.org()
    for (const policy of [
      { dropKeys: ['password'], hashKeys: ['email'] },
      { dropKeys: ['ssn'], hashKeys: [] },
    ]) {
      expect((await put(h, '/v1/telemetry/redaction', policy, key.apiKey)).status).toBe(200)
      // no `eventually`: a bus-fed read model (the old one) answered the previous policy here
      const got = await h.get<{ dropKeys: string[]; hashKeys: string[] }>(
        '/v1/telemetry/redaction',
        key.apiKey,
      )
      expect(got.body).toMatchObject(policy)
    }
  })

  it('rebuilds from position 0 to the same rows as the live projection', async () => {
    const a = await h.org()
    const b = await h.org()
    await put(h, '/v1/telemetry/redaction', { dropKeys: ['token'], hashKeys: ['user'] }, a.apiKey)
    await put(h, '/v1/telemetry/redaction', { dropKeys: [], hashKeys: ['email'] }, b.apiKey)
    await put(h, '/v1/telemetry/redaction', { dropKeys: ['pin'], hashKeys: [] }, a.apiKey)
    const counts = await expectRebuildEqualsLive(h.db, h.schema, [redactionPoliciesProjection])
    // every org provisioned so far (this file's and the first test's) has its row
    expect(counts['redaction_policies']).toBeGreaterThanOrEqual(3)
  })
})
