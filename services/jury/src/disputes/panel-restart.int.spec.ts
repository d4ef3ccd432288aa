import { afterAll, expect, it } from 'vitest'
import { sql } from 'kysely'
import { runService } from '@tessera/service-kit'
import { eventually } from '@tessera/testing'
import { jury } from '../service.ts'
import { JuryHarness } from '../testing/jury-harness.ts'

let h: JuryHarness

afterAll(async () => {
  await h?.stop()
})

it('a panel that fell due while jury was down sits exactly once after the restart', async () => {
  h = await JuryHarness.start({ JURY_RESPONSE_WINDOW_SECONDS: '2' })
  const [a, b] = [await h.org(), await h.org()]
  const { disputeId } = await h.openDispute(a, b)
  const { respondBy } = await a.client.disputes.get(disputeId)

  // jury goes down before the window closes and stays down past it
  await h.svc.service.stop()
  expect(Date.now()).toBeLessThan(Date.parse(respondBy))
  await new Promise((r) => setTimeout(r, Date.parse(respondBy) - Date.now() + 500))
  const status = async () => {
    const { rows } = await sql<{ status: string }>`select status
      from ${sql.id(h.svc.schema, 'disputes')} where dispute_id = ${disputeId}`.execute(h.svc.db)
    return rows[0]?.status
  }
  expect(await status(), 'no panel sits while jury is down').toBe('awaiting_response')

  // the same schema, a new process: the job in Postgres is still due
  h.svc.replicas[0] = await runService({ ...jury, name: h.svc.schema })
  await eventually(async () => ((await status()) === 'decided' ? true : undefined), {
    what: 'the verdict after the restart',
    timeoutMs: 15_000,
  })
  // a few more polls: the job is done, not re-run into a second panel
  await new Promise((r) => setTimeout(r, 1500))
  expect(await h.eventCount('PanelSat', disputeId)).toBe(1)
  expect(await h.eventCount('VerdictReached', disputeId)).toBe(1)
})
