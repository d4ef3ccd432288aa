import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { batchStatus, splitArdenBody, validateArdenEvent } from '@tessera/contracts'
import type { ArdenResponse } from '@tessera/contracts'

/**
 * A real HTTP server speaking `POST /api/events` the way the spec describes: the same
 * validation as the server, `unknown_agent` from a fixed registry, 200/207/400 bodies. Tests
 * script failures (429, 5xx, 413) through `respond`.
 */
export interface FakeArdenServer {
  url: string
  requests: RecordedRequest[]
  close(): Promise<void>
}

export interface RecordedRequest {
  authorization?: string
  body: unknown
}

export interface ScriptedResponse {
  status: number
  headers?: Record<string, string>
  body?: unknown
}

export interface FakeArdenOptions {
  /** Agent handles (8 lowercase hex digits) the registry knows; others are unknown_agent. */
  knownAgents?: readonly string[]
  /** The user a Bearer key stands for; the server fills a missing `user` with it. */
  keyUser?: string
  /** Returns a response to send instead of the real one, for request number `n` (0-based). */
  respond?(n: number, body: unknown): ScriptedResponse | undefined
}

export const KNOWN_AGENT = 'A-1234abcd'
export const KEY_USER = '01ARZ3NDEKTSV4RRFFQ69G5FAV'

export async function startFakeArdenServer(
  options: FakeArdenOptions = {},
): Promise<FakeArdenServer> {
  const known = new Set(options.knownAgents ?? ['1234abcd'])
  const requests: RecordedRequest[] = []

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST' || req.url !== '/api/events') return reply(res, { status: 404 })
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    let body: unknown
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return reply(res, { status: 400, body: { code: 'invalid_json', message: 'bad JSON' } })
    }
    const n = requests.length
    const authorization = req.headers.authorization
    requests.push(authorization === undefined ? { body } : { authorization, body })

    const scripted = options.respond?.(n, body)
    if (scripted) return reply(res, scripted)

    const split = splitArdenBody(body)
    if (!split.ok)
      return reply(res, { status: 400, body: { code: split.code, message: split.message } })
    const tokenUser = authorization?.startsWith('Bearer ') ? options.keyUser : undefined
    const answer: ArdenResponse = {
      status: 'accepted',
      accepted_count: 0,
      rejected_count: 0,
      rejected: [],
      event_ids: [],
    }
    split.events.forEach((raw, index) => {
      const check = validateArdenEvent(raw, tokenUser)
      const error = !check.ok
        ? check.error
        : known.has(check.event.agentHandle)
          ? null
          : 'unknown_agent'
      if (error === null) {
        answer.accepted_count++
        answer.event_ids.push(randomUUID())
      } else {
        answer.rejected_count++
        answer.rejected.push({ index, error })
      }
    })
    const status = batchStatus(answer.accepted_count, answer.rejected_count)
    answer.status = status.status
    reply(res, { status: status.http, body: answer })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) =>
      reply(res, { status: 500, body: { message: String(err) } }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
}

function reply(res: ServerResponse, { status, headers = {}, body }: ScriptedResponse): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(body === undefined ? '' : JSON.stringify(body))
}

/** A valid event for {@link KNOWN_AGENT}, or for `agent`. */
export function validEvent(i: number, agent = KNOWN_AGENT): Record<string, unknown> {
  return {
    agent,
    user: KEY_USER,
    bid: 1000,
    time: 1_642_781_234_567 + i,
    data: { task: 'review', i },
  }
}
