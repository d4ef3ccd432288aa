/** The last `capacity` lines written, for error messages that show what a process said. */
export class LogTail {
  private readonly lines: string[] = []

  constructor(private readonly capacity: number) {}

  push(line: string): void {
    this.lines.push(line)
    if (this.lines.length > this.capacity) this.lines.shift()
  }

  last(n = this.capacity): string[] {
    return this.lines.slice(-n)
  }
}

// eslint-disable-next-line no-control-regex -- the escape character is the point
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g

/** `[guardian] line`, padded so every process's lines start in the same column. */
export function prefixLine(name: string, width: number, line: string): string {
  return `${`[${name}]`.padEnd(width + 2)} ${stripAnsi(line)}`
}

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '')
}
