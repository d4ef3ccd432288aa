/**
 * Param binding on the live TELEMETRY stream: pacts in-process with an active pact, and
 * `tool_call` records carrying its id published onto TELEMETRY the way ingest fans them out
 * (100 records a message). It reports the evaluations pacts made per second, from the first
 * publish to the last record evaluated (a few in a hundred break a binding, so pacts also
 * appends violations), beside the same evaluation in-process (the pure decision over the same
 * records, the floor). One JSON document goes to stdout; progress goes to stderr.
 *
 *   npx tsx bench/param-binding.bench.ts [--records N] [--violating-permille N] [--seconds N]
 */
import { performance } from 'node:perf_hooks'
import { jetstream } from '@nats-io/jetstream'
import { v7 as uuidv7 } from 'uuid'
import {
  type PactCondition,
  TELEMETRY_RECORDS_PER_MESSAGE,
  type TelemetryRecord,
  telemetryRecordsSubject,
} from '@tessera/contracts'
import { activePactBindings } from '@tessera/conditions'
import { newId } from '@tessera/service-kit'
import { TRANSFER_BINDINGS, startInProcess } from '@tessera/testing'
// Pacts' service definition, consumer and pure decision: its package entry point (main.ts)
// starts the service, so these are imported by path, as guard.bench.ts does.
// eslint-disable-next-line no-restricted-imports -- see above
import { pacts } from '@tessera/pacts-service/src/service.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import { TelemetryBindingConsumer } from '@tessera/pacts-service/src/param-binding/telemetry-binding.consumer.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import { decideToolCall } from '@tessera/pacts-service/src/domain/param-binding/param-binding.ts'
import { appendPactRegistered } from '@tessera/e2e/param-binding-stack'
import {
  cleanUp,
  cleanUpOnSignals,
  onCleanUp,
  parseOptions,
  progress,
  round,
  sleep,
} from './src/cli.ts'

const opts = parseOptions(
  'bench/param-binding.bench.ts',
  {
    records: { env: 'BENCH_RECORDS', def: 50_000, help: 'tool_call records published' },
    'violating-permille': {
      env: 'BENCH_VIOLATING_PERMILLE',
      def: 10,
      help: 'records in a thousand that break a binding',
    },
    seconds: { env: 'BENCH_SECONDS', def: 2, help: 'duration of the in-process loop' },
  },
  process.argv.slice(2),
)

const CONDITIONS: PactCondition[] = [
  ...TRANSFER_BINDINGS,
  {
    kind: 'param_binding',
    name: 'memo',
    tool: 'transfer_funds',
    when: { path: '/memo', op: 'maxLength', value: 140 },
  },
]

const FLOOR_PACT = 'pact_00000000000000000000000000'

async function main() {
  cleanUpOnSignals('param-binding bench')
  const buyer = { agentId: newId('agt'), orgId: newId('org') }
  const seller = { agentId: newId('agt'), orgId: newId('org') }
  // In-process first: the loop blocks the event loop, which pacts' consumers would notice.
  const floorRecords = toolCalls(10_000, FLOOR_PACT, seller, opts['violating-permille'])
  // the same decision pacts makes per record (the pact compiled once)
  const pact = activePactBindings({ pactId: FLOOR_PACT, buyer, seller, conditions: CONDITIONS })
  const now = new Date()
  let evaluated = 0
  const until = performance.now() + opts.seconds * 1000
  const started = performance.now()
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) {
      const r = floorRecords[(evaluated + i) % floorRecords.length]!
      decideToolCall(
        {
          telemetryEventId: r.eventId,
          agentId: r.agentId,
          orgId: r.orgId,
          tool: 'transfer_funds',
          params: r.data['params'] as Record<string, unknown>,
        },
        pact,
        now,
      )
    }
    evaluated += 1000
  }
  const inProcessPerSecond = evaluated / ((performance.now() - started) / 1000)

  progress('starting pacts in-process')
  const p = await startInProcess(pacts, { env: { LOG_LEVEL: 'error' } })
  onCleanUp(() => p.stop())
  const pactId = await appendPactRegistered(p, buyer, seller, CONDITIONS)
  const records = toolCalls(opts.records, pactId, seller, opts['violating-permille'])
  const violating = records.filter((r) => (r.data['params'] as { amount: number }).amount > 500)

  // Live: publish onto TELEMETRY as ingest does, and wait for pacts to evaluate them all.
  const consumer = p.service.app.get(TelemetryBindingConsumer)
  const base = consumer.stats.evaluated
  const js = jetstream(p.nc)
  progress(`publishing ${records.length} tool calls (${violating.length} violating)`)
  const t0 = performance.now()
  const acks: Promise<unknown>[] = []
  for (let i = 0; i < records.length; i += TELEMETRY_RECORDS_PER_MESSAGE) {
    const slice = records.slice(i, i + TELEMETRY_RECORDS_PER_MESSAGE)
    const body = JSON.stringify({ groupId: uuidv7(), part: 0, records: slice })
    acks.push(js.publish(telemetryRecordsSubject(p.prefix), body))
    if (acks.length >= 200) await Promise.all(acks.splice(0))
  }
  await Promise.all(acks)
  const published = performance.now()
  while (consumer.stats.evaluated - base < records.length) {
    if (performance.now() - t0 > 120_000) throw new Error('pacts did not evaluate every record')
    await sleep(5)
  }
  const done = performance.now()
  const liveSeconds = (done - t0) / 1000

  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'param-binding',
        records: records.length,
        violating: violating.length,
        bindingsPerCall: CONDITIONS.length,
        live: {
          evaluationsPerSecond: round(records.length / liveSeconds),
          seconds: round(liveSeconds, 3),
          publishSeconds: round((published - t0) / 1000, 3),
          violationsAppended: consumer.stats.violations,
        },
        inProcess: {
          evaluationsPerSecond: round(inProcessPerSecond),
          microsecondsPerEvaluation: round(1e6 / inProcessPerSecond, 2),
        },
        liveShareOfInProcess: round(records.length / liveSeconds / inProcessPerSecond, 3),
      },
      null,
      2,
    )}\n`,
  )
}

/** Tool calls of `agent` under `pactId`, `permille` in a thousand over the amount cap. */
function toolCalls(
  n: number,
  pactId: string,
  agent: { agentId: string; orgId: string },
  permille: number,
): TelemetryRecord[] {
  const at = new Date().toISOString()
  return Array.from({ length: n }, (_, i) => {
    const params = {
      amount: i % 1000 < permille ? 900 : 1 + (i % 500),
      destination: `acct_${1 + (i % 2)}`,
      memo: 'invoice',
    }
    return {
      eventId: uuidv7(),
      orgId: agent.orgId,
      agentId: agent.agentId,
      protocol: 'telemetry',
      type: 'tool_call',
      sessionId: `ses-${i % 50}`,
      pactId,
      occurredAt: at,
      receivedAt: at,
      data: {
        type: 'tool_call',
        sessionId: `ses-${i % 50}`,
        agentId: agent.agentId,
        tool: 'transfer_funds',
        params,
        outcome: 'success',
        latencyMs: 1,
        attemptedAt: at,
        pactId,
      },
    }
  })
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  })
  .finally(() => cleanUp())
