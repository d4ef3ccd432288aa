import type { CliIo } from '../io.ts'

/** A {@link CliIo} that records output and serves files from memory; fetch is the real one. */
export interface MemoryIo extends CliIo {
  readonly out: string[]
  readonly err: string[]
  /** Every wait the CLI asked for, in ms; nothing actually waits. */
  readonly sleeps: number[]
  stdoutText(): string
  stderrText(): string
}

export interface MemoryIoOptions extends Partial<CliIo> {
  files?: Record<string, string>
  stdin?: string
}

export function memoryIo({ files = {}, stdin, ...overrides }: MemoryIoOptions = {}): MemoryIo {
  const out: string[] = []
  const err: string[] = []
  const sleeps: number[] = []
  return {
    out,
    err,
    sleeps,
    stdoutText: () => out.join(''),
    stderrText: () => err.join(''),
    stdout: (s) => void out.push(s),
    stderr: (s) => void err.push(s),
    env: {},
    fetch: globalThis.fetch,
    readFile: (path) => {
      const text = files[path]
      if (text === undefined) {
        return Promise.reject(new Error(`ENOENT: no such file or directory, open '${path}'`))
      }
      return Promise.resolve(text)
    },
    readStdin: () =>
      stdin === undefined ? Promise.reject(new Error('no stdin')) : Promise.resolve(stdin),
    stderrIsTTY: false,
    now: Date.now,
    sleep: (ms) => {
      sleeps.push(ms)
      return Promise.resolve()
    },
    ...overrides,
  }
}
