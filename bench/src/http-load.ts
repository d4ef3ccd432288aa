/**
 * HTTP load on one endpoint, one pre-encoded POST body: open loop at a fixed rate (latency
 * from when each request was due, free of coordinated omission) or closed loop with
 * autocannon (as fast as the server answers). Latencies are kept one by one, in ms with
 * sub-millisecond resolution, so percentiles are exact.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import autocannon from 'autocannon'
import { onCleanUp, percentile, round, sleep } from './cli.ts'
import { CLK_TCK, procStat } from './cpu-accounting.ts'

export interface Target {
  url: string
  headers: Record<string, string>
  body: string
  /** `POST` unless said (`GET` with an empty body). */
  method?: 'GET' | 'POST'
  /** Whether an answer's body is the one expected (its status is counted apart). */
  accept: (body: string) => boolean
}

export interface LoadResult {
  seconds: number
  sent: number
  answered: number
  status: Record<string, number>
  /** Answers whose body `accept` refused, whatever their status. */
  refused: number
  errors: number
  /** Sent, never answered: autocannon stops with requests in flight. */
  cutOff: number
  /** From the request's write to its answer. */
  latencyMs: number[]
  /** Open loop only: from when the request was due, and how late the sender sent it. */
  fromDueMs: number[]
  senderLagMs: number[]
  perSecond: number[]
  samples: string[]
}

const newLoad = (): LoadResult => ({
  seconds: 0,
  sent: 0,
  answered: 0,
  status: {},
  refused: 0,
  errors: 0,
  cutOff: 0,
  latencyMs: [],
  fromDueMs: [],
  senderLagMs: [],
  perSecond: [],
  samples: [],
})

function answered(r: LoadResult, status: number, ms: number, second: number) {
  r.answered++
  r.status[status] = (r.status[status] ?? 0) + 1
  r.latencyMs.push(ms)
  r.perSecond[second] = (r.perSecond[second] ?? 0) + 1
}

function sample(r: LoadResult, s: string) {
  if (r.samples.length < 3) r.samples.push(s.slice(0, 300))
}

interface Connection {
  socket: net.Socket
  /** Answer bytes read so far, latin1: one character a byte, as content-length counts. */
  buf: string
  /** The request on it: when it was due and when it was written; 0 when idle. */
  due: number
  written: number
  dead: boolean
}

/**
 * Open loop, as wrk2 does it: request i is due at start + i / rate whatever happened to the
 * ones before it, so a slow answer delays no later request, and latency also counts from
 * when each was due. The sender wakes about every millisecond and sends what has come due
 * (how late: `senderLagMs`). A request goes out on an idle keep-alive connection, on a new
 * one while there are fewer than `sockets`, or waits for the first to be free. The client is
 * a few lines over `net` with the request pre-encoded, to leave the cores to the server
 * (node:http costs several times as much CPU per request). Every request is awaited.
 */
export async function openLoop(t: Target, rate: number, seconds: number, sockets: number) {
  const r = newLoad()
  const u = new URL(t.url)
  const headers = Object.entries(t.headers).map(([k, v]) => `${k}: ${v}\r\n`)
  const request = Buffer.from(
    `${t.method ?? 'POST'} ${u.pathname} HTTP/1.1\r\nhost: ${u.host}\r\n${headers.join('')}` +
      `content-length: ${Buffer.byteLength(t.body)}\r\n\r\n${t.body}`,
  )
  const idle: Connection[] = []
  const waiting: number[] = []
  let waitingHead = 0
  let open = 0
  let pending = 0
  let drained: (() => void) | undefined
  const started = performance.now()

  const writeOn = (c: Connection, due: number) => {
    c.due = due
    c.written = performance.now()
    c.socket.write(request)
  }
  const send = (due: number) => {
    const c = idle.pop() ?? (open < sockets ? connect() : undefined)
    if (c) writeOn(c, due)
    else waiting.push(due)
  }
  const settled = (c: Connection) => {
    c.due = 0
    if (--pending === 0) drained?.()
    if (c.dead) return
    if (waitingHead < waiting.length) writeOn(c, waiting[waitingHead++]!)
    else idle.push(c)
  }
  const parse = (c: Connection) => {
    for (;;) {
      const head = c.buf.indexOf('\r\n\r\n')
      if (head < 0) return
      const length = /\r\ncontent-length: *(\d+)/i.exec(c.buf.slice(0, head))?.[1]
      if (length === undefined) return fail(c, new Error('an answer without content-length'))
      const end = head + 4 + Number(length)
      if (c.buf.length < end) return
      const status = Number(c.buf.slice(9, 12))
      const body = c.buf.slice(head + 4, end)
      c.buf = c.buf.slice(end)
      const now = performance.now()
      answered(r, status, now - c.written, Math.floor((now - started) / 1000))
      r.fromDueMs.push(now - c.due)
      if (!t.accept(body)) {
        r.refused++
        sample(r, `${status} ${body}`)
      }
      settled(c)
    }
  }
  const fail = (c: Connection, err: Error) => {
    if (c.dead) return
    c.dead = true
    open--
    c.socket.destroy()
    const i = idle.indexOf(c)
    if (i >= 0) idle.splice(i, 1)
    if (c.due) {
      r.errors++
      sample(r, `error: ${err.message}`)
      settled(c)
    }
    if (waitingHead < waiting.length && open < sockets) send(waiting[waitingHead++]!)
  }
  const connect = (): Connection => {
    const socket = net.connect(Number(u.port), u.hostname)
    const c: Connection = { socket, buf: '', due: 0, written: 0, dead: false }
    open++
    socket.setNoDelay(true)
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      c.buf += chunk
      parse(c)
    })
    socket.on('error', (err) => fail(c, err))
    socket.on('close', () => fail(c, new Error('the server closed the connection')))
    return c
  }

  const total = Math.round(rate * seconds)
  while (r.sent < total) {
    const now = performance.now()
    const due = Math.min(total, Math.floor(((now - started) * rate) / 1000) + 1)
    for (; r.sent < due; r.sent++) {
      const at = started + (r.sent * 1000) / rate
      r.senderLagMs.push(now - at)
      pending++
      send(at)
    }
    await sleep(1)
  }
  if (pending > 0) await new Promise<void>((resolve) => (drained = resolve))
  r.seconds = (performance.now() - started) / 1000
  for (const c of idle) {
    c.dead = true
    c.socket.destroy()
  }
  return r
}

/**
 * Closed loop (autocannon): each connection sends its next request when it has an answer.
 * autocannon stops on time with requests in flight: they are `cutOff`, sent but unanswered.
 */
export async function closedLoop(
  t: Target,
  connections: number,
  pipelining: number,
  seconds: number,
) {
  const r = newLoad()
  const started = performance.now()
  const run = autocannon({
    url: t.url,
    method: 'POST',
    headers: t.headers,
    body: t.body,
    connections,
    pipelining,
    duration: seconds,
    verifyBody: t.accept,
  })
  run.on('response', (_client, status, _bytes, ms) =>
    answered(r, status, ms, Math.floor((performance.now() - started) / 1000)),
  )
  run.on('reqMismatch', (body) => sample(r, body))
  run.on('reqError', (err) => sample(r, `error: ${err.message}`))
  const result = await run
  r.seconds = result.duration
  r.sent = result.requests.sent
  r.refused = result.mismatches
  r.errors = result.errors
  r.cutOff = Math.max(0, r.sent - r.answered)
  return r
}

export function latencySummary(ms: number[]) {
  const sorted = Float64Array.from(ms).sort()
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length)
  const p = (q: number) => round(percentile(sorted, q), 2)
  const max = round(sorted.at(-1) ?? 0, 2)
  return { p50: p(50), p90: p(90), p99: p(99), p99_9: p(99.9), max, mean: round(mean, 2) }
}

const ECHO_SERVER = `const http = require('node:http')
const body = Buffer.from(process.argv[1])
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }
http
  .createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200, headers).end(body))
  })
  .listen(0, '127.0.0.1', function () {
    process.stdout.write(this.address().port + '\\n')
  })`

/**
 * A bare node:http server in its own process that answers every request with `body`: an HTTP
 * round trip with nothing behind it, for the same sender to measure. Clean-up stops it.
 */
async function startEchoServer(body: string) {
  const child = spawn(process.execPath, ['-e', ECHO_SERVER, body], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = once(child, 'exit')
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill()
    await exited
  }
  onCleanUp(stop)
  const [port] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
  return { url: `http://127.0.0.1:${port.trim()}`, pid: child.pid!, stop }
}

/**
 * The open-loop sender at `rate` against a bare server answering `answer`, for the figure with
 * nothing behind the endpoint: the HTTP round trip, the sender and the machine.
 */
export async function bareServerBaseline(
  t: Target,
  answer: string,
  rate: number,
  seconds: number,
  sockets: number,
) {
  const echo = await startEchoServer(answer)
  const ticks0 = procStat(echo.pid)?.ticks ?? 0
  const load = await openLoop(
    { ...t, url: `${echo.url}${new URL(t.url).pathname}` },
    rate,
    seconds,
    sockets,
  )
  const ticks = (procStat(echo.pid)?.ticks ?? 0) - ticks0
  await echo.stop()
  return {
    what: `the same open-loop sender at ${rate}/s for ${seconds}s against a bare node:http server in its own process answering a canned ${answer.length}-byte body: the HTTP round trip, the sender and the machine with nothing behind them`,
    requestsPerSecond: round(load.answered / load.seconds),
    answered: load.answered,
    refused: load.refused + load.errors,
    latencyFromDueMs: latencySummary(load.fromDueMs),
    latencyMs: latencySummary(load.latencyMs),
    serverCpuMicrosecondsPerRequest: load.answered
      ? round((ticks / CLK_TCK / load.answered) * 1e6, 1)
      : null,
  }
}
