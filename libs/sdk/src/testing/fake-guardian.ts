import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the fake answers one request with; `hang` never answers, `destroy` drops the socket. */
export type Reply =
  | { status: number; body?: unknown; raw?: string }
  | 'hang'
  | 'destroy'
  /** headers now, the body never: a stall mid-answer */
  | 'stall-body'

export interface Received {
  method: string
  /** Path and query, as sent. */
  url: string
  headers: IncomingMessage['headers']
  /** The raw body; '' when there was none. */
  body: string
}

/**
 * A real HTTP server on 127.0.0.1 and a free port, answering from a script (default
 * `200 {}`) and recording every request, so tests see the exact bytes the SDK sends.
 */
export class FakeGuardian {
  readonly received: Received[] = []
  url = ''
  private readonly script: Reply[] = []
  private readonly open = new Set<ServerResponse>()
  private readonly server = createServer((req, res) => void this.handle(req, res))

  static async start(): Promise<FakeGuardian> {
    const fake = new FakeGuardian()
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve))
    const { port } = fake.server.address() as AddressInfo
    fake.url = `http://127.0.0.1:${String(port)}`
    return fake
  }

  /** The next requests get these replies, in order. */
  reply(...replies: Reply[]): void {
    this.script.push(...replies)
  }

  get last(): Received {
    const r = this.received.at(-1)
    if (!r) throw new Error('no request received')
    return r
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    this.received.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    })
    const reply = this.script.shift() ?? { status: 200, body: {} }
    if (reply === 'destroy') return void req.socket.destroy()
    if (reply === 'hang') return void this.open.add(res)
    if (reply === 'stall-body') {
      this.open.add(res)
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
      return void res.write('{"par')
    }
    const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body))
    res.writeHead(reply.status, {
      'content-type': reply.raw === undefined ? 'application/json' : 'text/html',
    })
    res.end(text)
  }
}
