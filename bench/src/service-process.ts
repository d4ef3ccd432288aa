/**
 * The service under test, run as its own process as in production
 * (`node --import tsx services/<name>/src/main.ts`), on a free port, optionally with
 * `--cpu-prof`, its output prefixed on stderr, and stopped at clean-up.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { onCleanUp, progress, sleep } from './cli.ts'

export interface ServiceProcess {
  name: string
  child: ChildProcess
  url: string
  profileDir?: string
  exited: Promise<number | null>
}

async function freePort(): Promise<number> {
  const srv = net.createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const { port } = srv.address() as net.AddressInfo
  srv.close()
  await once(srv, 'close')
  return port
}

export interface StartOptions {
  /** `ingest`: names the log prefix, the messages and the profile directory. */
  name: string
  /** The checkout it runs from (its cwd). */
  root: string
  /** The entry point, relative to `root`. */
  main: string
  /** On top of this process's env, HOST=127.0.0.1 and PORT. */
  env: Record<string, string>
  cpuProf: boolean
}

/** Starts the service and waits for `/health/ready`; clean-up stops it. */
export async function startService(o: StartOptions): Promise<ServiceProcess> {
  const port = await freePort()
  const profileDir = o.cpuProf
    ? mkdtempSync(path.join(os.tmpdir(), `tessera-${o.name}-prof-`))
    : undefined
  const args = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    '--import',
    'tsx',
    o.main,
  ]
  const child = spawn(process.execPath, args, {
    cwd: o.root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  for (const s of [child.stdout, child.stderr]) {
    createInterface({ input: s }).on('line', (l) => process.stderr.write(`[${o.name}] ${l}\n`))
  }
  let spawnError: Error | undefined
  const exited = new Promise<number | null>((r) => {
    child.once('exit', (code) => r(code))
    // a failed spawn (no such cwd or binary) emits 'error' and never 'exit'
    child.once('error', (err) => {
      spawnError = err
      r(null)
    })
  })
  const service: ServiceProcess = {
    name: o.name,
    child,
    url: `http://127.0.0.1:${port}`,
    exited,
    ...(profileDir && { profileDir }),
  }
  onCleanUp(() => stopService(service))

  let dead = false
  void exited.then(() => (dead = true))
  const deadline = Date.now() + 90_000
  for (;;) {
    if (spawnError) throw new Error(`${o.name} could not be started: ${spawnError.message}`)
    if (dead) throw new Error(`${o.name} exited during start-up (code ${child.exitCode})`)
    const status = await fetch(`${service.url}/health/ready`)
      .then((r) => r.status)
      .catch(() => 0)
    if (status === 200) break
    if (Date.now() > deadline) throw new Error(`${o.name} not ready after 90 s`)
    await sleep(250)
  }
  return service
}

/** SIGTERM (a clean exit also writes the CPU profile), SIGKILL after 20 s. */
export async function stopService(s: ServiceProcess): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null || !s.child.pid) return
  s.child.kill('SIGTERM')
  const timeout = sleep(20_000).then(() => 'timeout' as const)
  if ((await Promise.race([s.exited, timeout])) === 'timeout') {
    progress(`${s.name} did not stop within 20 s; killing it`)
    s.child.kill('SIGKILL')
    await s.exited
  }
}
