import { readFile } from 'node:fs/promises'
import { text } from 'node:stream/consumers'

/** Everything the CLI touches outside itself, so tests can run `main` in-process. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: Readonly<Record<string, string | undefined>>
  fetch: typeof fetch
  readFile: (path: string) => Promise<string>
  readStdin: () => Promise<string>
  /** Whether stderr is a terminal: progress is redrawn in place there, logged otherwise. */
  stderrIsTTY: boolean
  now: () => number
  sleep: (ms: number) => Promise<void>
}

export function processIo(): CliIo {
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    env: process.env,
    fetch: globalThis.fetch,
    readFile: (path) => readFile(path, 'utf8'),
    readStdin: () => text(process.stdin),
    stderrIsTTY: process.stderr.isTTY === true,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }
}
