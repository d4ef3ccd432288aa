/**
 * A one-line progress report on stderr. Hand-written: it is a few lines, and a progress-bar
 * package would bring its own TTY detection and timers where this needs neither.
 */
export interface Progress {
  update(sent: number, rejected: number): void
  /** A line that must not be overdrawn (a retry notice): printed above the progress line. */
  note(line: string): void
  done(): void
}

export interface ProgressOptions {
  total: number
  write: (text: string) => void
  /** On a terminal the line is redrawn in place; elsewhere (CI logs) it is logged every 10%. */
  tty: boolean
  now: () => number
}

/** Redraws closer together than this are dropped: a terminal cannot show them anyway. */
const REDRAW_MS = 100
const CLEAR_LINE = '\r\x1b[2K'

export function createProgress({ total, write, tty, now }: ProgressOptions): Progress {
  const started = now()
  let line = ''
  let shown = ''
  let lastDraw = -Infinity
  let lastDecile = 0

  const draw = (): void => {
    shown = line
    write(`${CLEAR_LINE}${line}`)
  }
  return {
    update(sent, rejected) {
      line = progressLine(sent, total, rejected, now() - started)
      if (tty) {
        if (sent < total && now() - lastDraw < REDRAW_MS) return
        lastDraw = now()
        draw()
        return
      }
      const decile = Math.floor((sent / total) * 10)
      if (decile > lastDecile) {
        lastDecile = decile
        write(`${line}\n`)
      }
    },
    note(text) {
      if (tty && line !== '') {
        shown = line
        write(`${CLEAR_LINE}${text}\n${line}`)
      } else {
        write(`${text}\n`)
      }
    },
    done() {
      if (!tty || line === '') return
      if (shown !== line) draw()
      write('\n')
    },
  }
}

export function progressLine(
  sent: number,
  total: number,
  rejected: number,
  elapsedMs: number,
): string {
  const percent = Math.floor((sent / total) * 100)
  const rate = elapsedMs > 0 ? `${Math.round(sent / (elapsedMs / 1000))} events/s` : '- events/s'
  return `sent ${sent}/${total} events (${percent}%), ${rate}, ${rejected} rejected`
}
