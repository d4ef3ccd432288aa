import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { LogTail, prefixLine, stripAnsi } from './log-lines.ts'
import type { ProcessSpec } from './services.ts'

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface ChildOptions {
  root: string
  logFile: string
  /** Width of the longest process name, so prefixes line up. */
  nameWidth: number
  print: (line: string) => void
}

/**
 * One service as a child process: its output prefixed on our stdout, kept whole in its log
 * file, and the last lines held for error messages. It runs in its own process group, so a
 * Ctrl-C reaches only the orchestrator, which then stops the children in order.
 */
export class Child {
  readonly tail = new LogTail(40)
  readonly exited: Promise<ExitInfo>
  private readonly proc: ChildProcess
  private readonly logClosed: Promise<void>
  private readonly log: WriteStream
  private exitInfo: ExitInfo | undefined

  constructor(
    readonly spec: ProcessSpec,
    private readonly opts: ChildOptions,
  ) {
    this.log = createWriteStream(opts.logFile, { flags: 'a' })
    this.log.on('error', (err) =>
      opts.print(`[start] cannot write ${opts.logFile}: ${err.message}`),
    )
    this.log.write(
      `\n--- ${new Date().toISOString()} starting ${spec.entry} on port ${spec.port}\n`,
    )
    // `node --import tsx` is what `npx tsx` runs, minus two wrapper processes between us and
    // the service that would each have to pass signals on.
    this.proc = spawn(process.execPath, ['--import', 'tsx', spec.entry], {
      cwd: opts.root,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    this.pipe(this.proc.stdout)
    this.pipe(this.proc.stderr)
    this.exited = new Promise((resolve) => {
      this.proc.once('error', (err) => {
        this.record(`failed to start: ${err.message}`)
        this.exitInfo = { code: 127, signal: null }
        resolve(this.exitInfo)
      })
      this.proc.once('exit', (code, signal) => {
        this.exitInfo = { code, signal }
        // 'close' follows once its output is drained, which the error tail wants; a stray
        // grandchild holding the pipe open must not keep us waiting, though
        const info = this.exitInfo
        const drained = new Promise((r) => this.proc.once('close', r))
        void Promise.race([drained, sleep(500)]).then(() => resolve(info))
      })
    })
    // stopped or dead on its own, a run closes its log: a restart opens the file anew
    this.logClosed = this.exited.then(() => new Promise<void>((r) => this.log.end(r)))
  }

  get name(): string {
    return this.spec.name
  }

  get pid(): number | undefined {
    return this.proc.pid
  }

  get running(): boolean {
    return this.exitInfo === undefined && this.proc.pid !== undefined
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs: number): Promise<ExitInfo> {
    if (!this.running) return this.exited
    this.signal('SIGTERM')
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs)
    const info = await this.exited
    clearTimeout(timer)
    await this.logClosed
    return info
  }

  /** Synchronous last resort, for process exit: no waiting, no log. */
  kill(): void {
    if (this.running) this.signal('SIGKILL')
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.proc.pid
    if (pid === undefined) return
    try {
      process.kill(-pid, sig)
    } catch {
      // the group is already gone
    }
  }

  private pipe(stream: Readable | null): void {
    if (!stream) return
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.record(line))
  }

  private record(raw: string): void {
    const line = stripAnsi(raw)
    this.tail.push(line)
    if (!this.log.writableEnded) this.log.write(`${line}\n`)
    this.opts.print(prefixLine(this.spec.name, this.opts.nameWidth, line))
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** `code 1`, `signal SIGKILL`: how a process ended, in words. */
export function describeExit(info: ExitInfo): string {
  return info.signal ? `signal ${info.signal}` : `code ${info.code ?? '?'}`
}
