/**
 * Runs Tessera on this machine: the six services and the gateway as child processes, waits
 * until each is ready, makes sure a demo org exists, prints where everything is, restarts a
 * service that dies (scripts/stack/supervisor.ts), and stops it all on Ctrl-C. Started by
 * scripts/start.sh, which first installs dependencies and brings up Postgres and NATS.
 */
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { banner } from './stack/banner.ts'
import { Child, describeExit } from './stack/child.ts'
import { ensureDemoOrg } from './stack/demo-org.ts'
import {
  busyPorts,
  checkNats,
  checkNode,
  checkPostgres,
  missingEntries,
  redact,
} from './stack/preflight.ts'
import { stackConfig } from './stack/services.ts'
import { Supervisor } from './stack/supervisor.ts'
import { StartError, waitUntilReady } from './stack/wait-ready.ts'

const ROOT = resolve(import.meta.dirname, '..')
const STATE_DIR = join(ROOT, '.tessera')
const DEMO_FILE = join(STATE_DIR, 'demo.json')
const STOP_GRACE_MS = 10_000

const say = (line: string) => process.stdout.write(`${line}\n`)
const services: Supervisor<Child>[] = []
let stopping: Promise<void> | undefined

async function main(): Promise<number> {
  const config = stackConfig(process.env)

  const problem =
    checkNode() ??
    missingEntries(ROOT, config.processes) ??
    (await busyPorts(config.processes, config.host)) ??
    (await checkPostgres(config.databaseUrl)) ??
    (await checkNats(config.natsUrl))
  if (problem) throw new StartError(problem)

  await mkdir(join(STATE_DIR, 'logs'), { recursive: true })
  say(`[start] Postgres ${redact(config.databaseUrl)}, NATS ${config.natsUrl}`)
  say(`[start] starting ${config.processes.map((p) => p.name).join(', ')}; logs in .tessera/logs/`)
  const nameWidth = Math.max(...config.processes.map((p) => p.name.length), 'start'.length)
  for (const spec of config.processes) {
    const options = {
      root: ROOT,
      logFile: join(STATE_DIR, 'logs', `${spec.name}.log`),
      nameWidth,
      print: say,
    }
    services.push(
      new Supervisor({ name: spec.name, start: () => new Child(spec, options), print: say }),
    )
  }

  // a service dying before it is ready is a start-up error (port, config, schema): no restarts
  await waitUntilReady(
    services.map((s) => s.current),
    { timeoutMs: config.readyTimeoutMs, print: say },
  )
  for (const s of services) s.supervise()

  const guardian = config.processes.find((p) => p.name === 'guardian')
  const scoring = config.processes.find((p) => p.name === 'scoring')
  if (!guardian || !scoring)
    throw new StartError('guardian and scoring are not in the process table')
  say('[start] every service is ready; making sure the demo org and its agent exist')
  const demo = await ensureDemoOrg({
    file: DEMO_FILE,
    guardianUrl: guardian.url,
    scoringUrl: scoring.url,
    bootstrapToken: config.bootstrapToken,
    databaseUrl: config.databaseUrl,
  }).catch((err: unknown) => {
    throw new StartError(
      `could not set up the demo org and agent: ${err instanceof Error ? err.message : String(err)}`,
    )
  })
  say(banner(config.processes, demo, config.bootstrapToken, '.tessera/demo.json'))

  // runs until a signal stops everything, or a service keeps dying however often it restarts
  const gaveUp = await Promise.race(services.map((s) => s.gaveUp))
  if (stopping) return stoppedBySignal()
  say(
    `[start] ${gaveUp.name} exited with ${describeExit(gaveUp.exit)}: ${gaveUp.quickExits} exits ` +
      `in a row, each within ${gaveUp.withinMs / 1000} s of starting; giving up and stopping ` +
      `Tessera. Its last lines:`,
  )
  for (const line of gaveUp.tail) say(`[start]   ${line}`)
  await stopAll()
  return 1
}

/** Gateway first, so nothing new comes in, then the services together. */
function stopAll(): Promise<void> {
  const stop = async (service: Supervisor<Child>) => {
    const info = await service.stop(STOP_GRACE_MS)
    if (info) say(`[start] ${service.name} stopped (${describeExit(info)})`)
  }
  stopping ??= (async () => {
    await Promise.all(services.filter((s) => s.name === 'gateway').map(stop))
    await Promise.all(services.filter((s) => s.name !== 'gateway').map(stop))
  })()
  return stopping
}

/** The signal handler owns the exit once stopping began; whoever else is waiting waits on. */
function stoppedBySignal(): Promise<never> {
  return new Promise(() => undefined)
}

let signals = 0
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    signals += 1
    if (signals > 1) {
      say('[start] second signal: killing everything now')
      process.exit(130)
    }
    say(`[start] ${signal}: stopping Tessera (again to kill at once)`)
    void stopAll().then(() => {
      say('[start] stopped')
      process.exit(0)
    })
  })
}
// whatever happens to us, our children do not outlive us
process.on('exit', () => services.forEach((s) => s.kill()))

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    // children exiting because we are stopping them is no error
    if (stopping && signals > 0) return
    if (err instanceof StartError) say(`\n[start] ERROR: ${err.message}`)
    else say(`\n[start] ERROR: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    await stopAll()
    process.exit(1)
  },
)
