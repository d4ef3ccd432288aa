import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import { A2A_VERSION_HEADER, AGENT_CARD_PATH, TaskState } from '@a2a-js/sdk'
import {
  type AgentExecutor,
  AgentEvent,
  DefaultRequestHandler,
  InMemoryTaskStore,
  JsonRpcTransportHandler,
  UnauthenticatedUser,
  defaultServerCallContextBuilder,
  validateVersion,
} from '@a2a-js/sdk/server'
import { A2A_PATH } from './seller-card.ts'
import { AGENT, dataMessage, dataPart, firstData } from './a2a-wire.ts'
import type { SellerAgent } from './seller.ts'
import { isNegotiation, parseSellerRequest, type WorkReply } from './trade-messages.ts'

export interface RunningSeller {
  /** Where the card is: `<url>/.well-known/agent-card.json`. */
  url: string
  close(): Promise<void>
}

const MAX_BODY_BYTES = 1 << 20

/**
 * Serves the seller over A2A v1.0 (JSON-RPC, not streaming) with node:http: the card at
 * `/.well-known/agent-card.json`, messages at `/a2a`. A negotiation is answered by a message;
 * the work by a task, completed with the deliverable as its artifact, or rejected.
 */
export async function startSellerServer(
  seller: SellerAgent,
  options: { port?: number; host?: string; publicUrl?: string } = {},
): Promise<RunningSeller> {
  const host = options.host ?? '127.0.0.1'
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve))
  const { port } = server.address() as AddressInfo
  const url = options.publicUrl ?? `http://${host}:${port}`
  const handler = new DefaultRequestHandler(
    await seller.card(url),
    new InMemoryTaskStore(),
    executorFor(seller),
  )
  const transport = new JsonRpcTransportHandler(handler)
  server.on('request', (req, res) => {
    route(req, res, seller, url, transport).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(err) })
    })
  })
  return { url, close: () => closeServer(server) }
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  seller: SellerAgent,
  url: string,
  transport: JsonRpcTransportHandler,
) {
  const path = (req.url ?? '/').split('?')[0]
  if (req.method === 'GET' && path === `/${AGENT_CARD_PATH}`) {
    return send(res, 200, await seller.card(url))
  }
  if (req.method !== 'POST' || path !== A2A_PATH) return send(res, 404, { error: 'not found' })
  let body: unknown
  try {
    body = JSON.parse(await readBody(req))
  } catch {
    return send(res, 200, {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error' },
    })
  }
  const header = req.headers[A2A_VERSION_HEADER.toLowerCase()]
  const requestedVersion = Array.isArray(header) ? header[0] : header
  const context = defaultServerCallContextBuilder({
    extensions: undefined,
    user: new UnauthenticatedUser(),
    headers: req.headers,
    ...(requestedVersion ? { requestedVersion } : {}),
  })
  try {
    validateVersion(context.requestedVersion, await seller.card(url), 'JSONRPC')
  } catch (err) {
    return send(res, 200, {
      jsonrpc: '2.0',
      id: null,
      error: JsonRpcTransportHandler.mapToJSONRPCError(err),
    })
  }
  const answer = await transport.handle(body as Record<string, unknown>, context)
  if (Symbol.asyncIterator in answer) {
    return send(res, 200, {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32004, message: 'no streaming' },
    })
  }
  return send(res, 200, answer)
}

/** The agent's logic behind A2A: one request, one answer. */
function executorFor(seller: SellerAgent): AgentExecutor {
  return {
    async execute(ctx, bus) {
      const request = parseSellerRequest(firstData(ctx.userMessage.parts))
      const ids = { contextId: ctx.contextId }
      if ('error' in request) {
        bus.publish(
          AgentEvent.message(
            dataMessage({ status: 'rejected', rejectionReason: request.error }, AGENT, {
              ...ids,
              messageId: randomUUID(),
            }),
          ),
        )
      } else if (isNegotiation(request)) {
        const reply = await seller.negotiate(request)
        bus.publish(
          AgentEvent.message(dataMessage(reply, AGENT, { ...ids, messageId: randomUUID() })),
        )
      } else {
        const reply = await seller.work(request)
        bus.publish(AgentEvent.task(workTask(ctx.taskId, ctx.contextId, reply)))
      }
      bus.finished()
    },
    cancelTask() {
      return Promise.resolve()
    },
  }
}

function workTask(taskId: string, contextId: string, reply: WorkReply) {
  const state =
    reply.status === 'completed'
      ? TaskState.TASK_STATE_COMPLETED
      : reply.status === 'declined'
        ? TaskState.TASK_STATE_REJECTED
        : TaskState.TASK_STATE_FAILED
  return {
    id: taskId,
    contextId,
    status: {
      state,
      message: dataMessage(reply, AGENT, { messageId: randomUUID(), contextId, taskId }),
      timestamp: new Date().toISOString(),
    },
    artifacts:
      reply.status === 'completed'
        ? [
            {
              artifactId: randomUUID(),
              name: 'deliverable',
              description: `deliverable ${reply.deliverableHash}`,
              parts: [dataPart(reply.deliverable)],
              metadata: undefined,
              extensions: [],
            },
          ]
        : [],
    history: [],
    metadata: undefined,
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
}
