/**
 * Disputes resolved per second by an in-process jury service, from escrow's `DisputeOpened` on
 * the bus to `VerdictReached` in jury's log (response window 0, so the panel is due at once),
 * with (1) the rules panel (the offline default, five seats) and (2) five OpenAI-compatible
 * judges on a local chat-completions server answering after a fixed latency, called by the
 * real `openai` client; beside (3) the trimmed median's in-process rate. One JSON document goes
 * to stdout; progress goes to stderr.
 *
 *   npx tsx bench/jury.bench.ts [--disputes N] [--latency-ms N] [--concurrency N] [--help]
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
// The harness boots jury in this process and feeds it PACTS and ESCROW events over the bus.
// eslint-disable-next-line no-restricted-imports -- a bench drives the service as its tests do
import { JuryHarness, disputeCase } from '@tessera/jury-service/src/testing/jury-harness.ts'
// eslint-disable-next-line no-restricted-imports -- the stub the jury's tests drive judges with
import { OpenAiStub, voteJson } from '@tessera/jury-service/src/testing/openai-stub.ts'
// eslint-disable-next-line no-restricted-imports -- the pure aggregation, measured alone
import { aggregate } from '@tessera/jury-service/src/domain/dispute/aggregation.ts'
import { parseOptions, progress, round } from './src/cli.ts'

const p = parseOptions(
  'bench/jury.bench.ts',
  {
    disputes: { env: 'BENCH_DISPUTES', def: 200, help: 'disputes opened per panel kind' },
    'latency-ms': { env: 'BENCH_LATENCY_MS', def: 50, help: "each scripted judge's answer time" },
    concurrency: { env: 'BENCH_CONCURRENCY', def: 8, help: 'panels sitting at once' },
    seconds: { env: 'BENCH_SECONDS', def: 2, help: 'time of the in-process aggregation run' },
  },
  process.argv.slice(2),
)

async function resolveRun(env: Record<string, string>) {
  const h = await JuryHarness.start({
    JURY_RESPONSE_WINDOW_SECONDS: '0',
    JURY_APPEAL_WINDOW_SECONDS: '0',
    JURY_PANEL_CONCURRENCY: String(p.concurrency),
    JURY_SCHEDULER_POLL_SECONDS: '0.5',
    ...env,
  })
  try {
    const [a, b] = [await h.org(), await h.org()]
    const cases = Array.from({ length: p.disputes }, () => disputeCase(a, b))
    progress(`publishing ${cases.length} pacts and completions`)
    for (const c of cases) {
      await h.publish('pacts', 'PactRegistered', `pact-${c.ids.pactId}`, c.pact)
      await h.publish('escrow', 'CompletionSubmitted', `escrow-${c.ids.escrowId}`, c.completion)
    }
    await h.untilRows(
      'jury_completions',
      'escrow_id',
      cases.map((c) => c.ids.escrowId),
      120_000,
    )
    await h.untilRows(
      'jury_pacts',
      'pact_id',
      cases.map((c) => c.ids.pactId),
      120_000,
    )
    progress(`opening ${cases.length} disputes`)
    const started = performance.now()
    for (const c of cases) {
      await h.publish('escrow', 'DisputeOpened', `escrow-${c.ids.escrowId}`, c.dispute)
    }
    for (;;) {
      const { rows } = await sql<{ n: string }>`select count(*) as n
        from ${sql.id(h.svc.schema, 'events')} where type = 'VerdictReached'`.execute(h.svc.db)
      if (Number(rows[0]?.n) >= cases.length) break
      if (performance.now() - started > 300_000) throw new Error('verdicts did not all arrive')
      await new Promise((r) => setTimeout(r, 100))
    }
    const seconds = (performance.now() - started) / 1000
    const { rows } = await sql<{ median: number; n: string }>`select
        (data->>'releasePercentage')::numeric as median, count(*) as n
      from ${sql.id(h.svc.schema, 'events')} where type = 'VerdictReached'
      group by 1`.execute(h.svc.db)
    return {
      disputes: cases.length,
      seconds: round(seconds, 2),
      resolvedPerSecond: round(cases.length / seconds, 1),
      verdicts: Object.fromEntries(rows.map((r) => [String(r.median), Number(r.n)])),
    }
  } finally {
    await h.stop()
  }
}

function aggregationRun() {
  const panels = Array.from({ length: 1024 }, (_, i) =>
    Array.from({ length: 5 }, (_, j) => ({
      judgeId: `j${j}`,
      releasePercentage: (i * 37 + j * 53) % 101,
    })),
  )
  let n = 0
  const started = performance.now()
  const deadline = started + p.seconds * 1000
  while (performance.now() < deadline) {
    for (let i = 0; i < 1024; i++) aggregate(panels[i]!)
    n += 1024
  }
  const seconds = (performance.now() - started) / 1000
  return { panels: n, perSecond: round(n / seconds) }
}

progress('rules panel')
const rules = await resolveRun({})

progress(`scripted OpenAI-compatible panel, ${p['latency-ms']} ms a judge`)
const stub = await OpenAiStub.start(() => ({ content: voteJson(60), delayMs: p['latency-ms'] }))
let scripted
try {
  scripted = await resolveRun({
    JURY_JUDGES: JSON.stringify(
      ['j1', 'j2', 'j3', 'j4', 'j5'].map((id) => ({
        id,
        provider: 'openai-compatible',
        model: id,
        baseURL: stub.baseURL,
      })),
    ),
  })
} finally {
  await stub.stop()
}

progress('aggregation in process')
const aggregation = aggregationRun()

console.log(
  JSON.stringify(
    {
      bench: 'jury',
      machine: { cpus: os.cpus().length, node: process.version },
      params: p,
      rulesPanel: rules,
      scriptedOpenAiPanel: { judgeLatencyMs: p['latency-ms'], seats: 5, ...scripted },
      aggregationInProcess: { votesPerPanel: 5, ...aggregation },
    },
    null,
    2,
  ),
)
process.exit(0)
