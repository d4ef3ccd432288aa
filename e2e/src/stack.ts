import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { SERVICE_NAMES, type ServiceName } from '@tessera/infra-topology'
import type { E2eInfra } from './infra.ts'

export const SERVICES = SERVICE_NAMES
export type { ServiceName }

export const BOOTSTRAP_TOKEN = 'e2e-bootstrap-token-0123456789'
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface RunningStack {
  gatewayUrl: string
  urls: Record<ServiceName, string>
  /** Everything each process printed, for failure messages. */
  logs(name: ServiceName | 'gateway'): string
  kill(name: ServiceName, signal?: NodeJS.Signals): Promise<void>
  stop(): Promise<void>
}

export interface StackOptions {
  /** Extra environment per process (shorter windows and polls, a scripted jury panel). */
  env?: Partial<Record<ServiceName | 'gateway', Record<string, string>>>
}

/** Boots the six services and the gateway as separate processes, and waits until all are ready. */
export async function startStack(
  infra: E2eInfra,
  options: StackOptions = {},
): Promise<RunningStack> {
  const ports = await Promise.all([...SERVICES, 'gateway'].map(() => freePort()))
  const urls = Object.fromEntries(
    SERVICES.map((s, i) => [s, `http://127.0.0.1:${ports[i]}`]),
  ) as Record<ServiceName, string>
  const gatewayUrl = `http://127.0.0.1:${ports[SERVICES.length]}`
  const procs = new Map<string, { child: ChildProcess; out: string[] }>()
  const common = {
    ...process.env,
    DATABASE_URL: infra.databaseUrl,
    NATS_URL: infra.natsUrl,
    TESSERA_STREAM_PREFIX: infra.streamPrefix,
    TESSERA_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    // where clients reach the stack: guardian writes it into agent cards (their trust link)
    TESSERA_PUBLIC_URL: gatewayUrl,
  }
  const launch = (name: string, entry: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: ROOT,
      env: { ...common, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const out: string[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b.toString()))
    child.stderr.on('data', (b: Buffer) => out.push(b.toString()))
    procs.set(name, { child, out })
  }
  SERVICES.forEach((s, i) =>
    launch(s, `services/${s}/src/main.ts`, { ...options.env?.[s], PORT: String(ports[i]) }),
  )
  launch('gateway', 'services/gateway/src/main.ts', {
    ...options.env?.gateway,
    PORT: String(ports[SERVICES.length]),
    ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, urls[s]])),
  })
  const logs = (name: string) => procs.get(name)?.out.join('') ?? ''
  const stack: RunningStack = {
    gatewayUrl,
    urls,
    logs,
    async kill(name, signal = 'SIGKILL') {
      const p = procs.get(name)
      if (!p || p.child.exitCode !== null) return
      const exited = new Promise((r) => p.child.once('exit', r))
      p.child.kill(signal)
      await exited
    },
    async stop() {
      await Promise.all(
        [...procs.values()].map(async ({ child }) => {
          if (child.exitCode !== null || child.signalCode !== null) return
          const exited = new Promise((r) => child.once('exit', r))
          child.kill('SIGTERM')
          const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
          await exited
          clearTimeout(t)
        }),
      )
    },
  }
  try {
    await Promise.all(
      [...SERVICES.map((s) => [s, urls[s]] as const), ['gateway', gatewayUrl] as const].map(
        ([name, url]) =>
          waitReady(
            name,
            url,
            () => procs.get(name)!.child.exitCode,
            () => logs(name),
          ),
      ),
    )
  } catch (err) {
    await stack.stop()
    throw err
  }
  return stack
}

async function waitReady(
  name: string,
  url: string,
  exitCode: () => number | null,
  log: () => string,
) {
  // a loaded machine may need longer to boot eight processes: TESSERA_E2E_READY_SECONDS
  const seconds = Number(process.env['TESSERA_E2E_READY_SECONDS'] || 120)
  const deadline = Date.now() + seconds * 1000
  for (;;) {
    if (exitCode() !== null)
      throw new Error(`${name} exited with ${exitCode()}:\n${log().slice(-3000)}`)
    const ok = await fetch(`${url}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ok) return
    if (Date.now() > deadline)
      throw new Error(`${name} not ready after ${seconds} s:\n${log().slice(-3000)}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      )
    })
  })
}
