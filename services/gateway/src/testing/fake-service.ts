import { createServer, request } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'

// Loopback HTTP helpers for the gateway's int specs: real sockets are what the proxy is about.

export interface Seen {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export interface FakeService {
  url: string
  seen: Seen[]
  /** The most connections the service ever had open at once. */
  peakConnections(): number
  close(): Promise<void>
}

/** Echoes every request as JSON; `?status=N` picks the status, `?delay=ms` waits first; POST answers 201. */
export async function fakeService(name: string, ready = true): Promise<FakeService> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = req.url ?? ''
      const json = { 'content-type': 'application/json' }
      if (url === '/health/ready') {
        res.writeHead(ready ? 200 : 503, json).end(JSON.stringify({ ready }))
        return
      }
      const body = Buffer.concat(chunks).toString()
      seen.push({ method: req.method ?? '', url, headers: req.headers, body })
      const params = new URL(url, 'http://x').searchParams
      const asked = params.get('status')
      const status = asked ? Number(asked) : req.method === 'POST' ? 201 : 200
      const answer = () =>
        res
          .writeHead(status, json)
          .end(JSON.stringify({ service: name, method: req.method, url, body }))
      setTimeout(answer, Number(params.get('delay') ?? 0))
    })
  })
  let open = 0
  let peak = 0
  server.on('connection', (socket) => {
    peak = Math.max(peak, ++open)
    socket.on('close', () => open--)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    peakConnections: () => peak,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  text: string
  json: Record<string, unknown>
}

/** One request over a real socket, the path sent exactly as written (fetch would normalise it). */
export async function send(
  base: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const { port } = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        let json: Record<string, unknown> = {}
        try {
          json = JSON.parse(text) as Record<string, unknown>
        } catch {
          // left empty: the caller asserts on `text`
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

export interface RawAnswer {
  /** Everything the server wrote before it closed the socket (or `waitMs` passed). */
  text: string
  /** Whether the server closed the connection within `waitMs`. */
  closed: boolean
}

/**
 * Writes raw bytes on a fresh TCP connection and collects what comes back, for what no HTTP
 * client will send: broken request lines, huge headers, bodies that never finish.
 */
export async function sendRaw(
  base: string,
  chunks: readonly (string | Buffer)[],
  waitMs = 2000,
): Promise<RawAnswer> {
  const { port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1')
    const received: Buffer[] = []
    const done = (closed: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ text: Buffer.concat(received).toString(), closed })
    }
    const timer = setTimeout(() => done(false), waitMs)
    socket.on('data', (c: Buffer) => received.push(c))
    socket.on('end', () => done(true))
    socket.on('close', () => done(true))
    socket.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' ? done(true) : reject(err),
    )
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk)
    })
  })
}

/** The JSON body of a raw HTTP/1.1 answer. */
export function rawBody(answer: RawAnswer): unknown {
  const start = answer.text.indexOf('\r\n\r\n')
  return JSON.parse(answer.text.slice(start + 4)) as unknown
}

/** A URL nothing listens on. */
export async function deadUrl(): Promise<string> {
  const fake = await fakeService('dead')
  await fake.close()
  return fake.url
}
