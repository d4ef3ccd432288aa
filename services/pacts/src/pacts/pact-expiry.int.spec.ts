import { afterAll, expect, it } from 'vitest'
import { sql } from 'kysely'
import { TesseraClient, signPact } from '@tessera/sdk'
import { runService } from '@tessera/service-kit'
import { eventually } from '@tessera/testing'
import { pacts } from '../service.ts'
import { PactsHarness, termsOf } from '../testing/pacts-harness.ts'

const TTL_SECONDS = 2
let h: PactsHarness

afterAll(async () => {
  await h?.stop()
})

it('an unanswered proposal expires exactly once, at its deadline, across a restart', async () => {
  h = await PactsHarness.start({
    PACTS_ROUND_TTL_SECONDS: String(TTL_SECONDS),
    PACTS_SCHEDULER_POLL_SECONDS: '0.5',
  })
  const [a, b] = [await h.org(), await h.org()]
  const [buyer, seller] = [await h.agent(a), await h.agent(b)]
  const terms = termsOf(buyer, seller)
  const { pactId, expiresAt } = await a.client.pacts.propose({
    terms,
    signature: signPact(terms, buyer.keys.secretKey),
  })

  // the app goes down before the deadline and stays down past it
  await h.svc.service.stop()
  expect(Date.now()).toBeLessThan(Date.parse(expiresAt!))
  await new Promise((r) => setTimeout(r, Date.parse(expiresAt!) - Date.now() + 500))
  const status = async () => {
    const { rows } = await sql<{ status: string }>`select status
      from ${sql.id(h.svc.schema, 'pacts')} where pact_id = ${pactId}`.execute(h.svc.db)
    return rows[0]?.status
  }
  expect(await status(), 'nothing expires it while pacts is down').toBe('proposed')

  // the same schema, a new process: the job in Postgres is still due
  h.svc.replicas[0] = await runService({ ...pacts, name: h.svc.schema })
  await eventually(async () => ((await status()) === 'expired' ? true : undefined), {
    what: 'the proposal expired after the restart',
    timeoutMs: 15_000,
  })
  // the restarted app listens on a new port
  const client = new TesseraClient({ baseUrl: h.url, apiKey: b.apiKey })
  const pact = await client.pacts.get(pactId)
  expect(pact).toMatchObject({ status: 'expired', awaiting: null })
  // a few more polls: the job is done, not re-run into a second PactExpired
  await new Promise((r) => setTimeout(r, 1500))
  expect(await h.eventCount('PactExpired')).toBe(1)
})
