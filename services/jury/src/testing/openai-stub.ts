import { type IncomingMessage, type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the stub answers one chat-completions call with. */
export type StubAnswer =
  | { content: string; delayMs?: number }
  | { status: number; body?: unknown; delayMs?: number }
  | { hang: true }

/** The request as the stub saw it: model and messages. */
export interface StubRequest {
  model: string
  messages: { role: string; content: string }[]
}

/**
 * A real HTTP server speaking OpenAI's chat-completions API (`POST /v1/chat/completions`), and
 * Anthropic's Messages API (`POST /v1/messages`), for judges driven by the real `openai` and
 * `@anthropic-ai/sdk` clients. Each model is scripted: `script(model, request)`
 * says what to answer.
 */
export class OpenAiStub {
  readonly requests: StubRequest[] = []
  private constructor(
    private readonly server: Server,
    /** The server's origin: Anthropic's client appends `/v1/messages` to it. */
    readonly origin: string,
  ) {}

  /** The OpenAI client's `baseURL`. */
  get baseURL(): string {
    return `${this.origin}/v1`
  }

  static async start(script: (req: StubRequest, n: number) => StubAnswer): Promise<OpenAiStub> {
    const ref: { stub?: OpenAiStub } = {}
    const server = createServer((req, res) => {
      const stub = ref.stub
      void (async () => {
        const anthropic = req.url?.endsWith('/messages') === true
        const raw = JSON.parse(await text(req)) as StubRequest & { system?: string }
        // Anthropic's Messages API sends the system prompt apart: seen here as a message
        const body: StubRequest = anthropic
          ? {
              model: raw.model,
              messages: [{ role: 'system', content: raw.system ?? '' }, ...raw.messages],
            }
          : raw
        stub!.requests.push(body)
        const answer = script(body, stub!.requests.length)
        if ('hang' in answer) return // never answers: the judge's timeout must end it
        if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs))
        if ('status' in answer) {
          res.writeHead(answer.status, { 'content-type': 'application/json' })
          res.end(JSON.stringify(answer.body ?? { error: { message: 'scripted failure' } }))
          return
        }
        res.writeHead(200, { 'content-type': 'application/json' })
        if (anthropic) {
          res.end(
            JSON.stringify({
              id: `msg_${stub!.requests.length}`,
              type: 'message',
              role: 'assistant',
              model: body.model,
              content: [{ type: 'text', text: answer.content }],
              stop_reason: 'end_turn',
              stop_sequence: null,
              usage: { input_tokens: 1, output_tokens: 1 },
            }),
          )
          return
        }
        res.end(
          JSON.stringify({
            id: `chatcmpl-${stub!.requests.length}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: body.model,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: answer.content, refusal: null },
                finish_reason: 'stop',
                logprobs: null,
              },
            ],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        )
      })()
    })
    // keep-alive sockets of hung requests must not hold close() up
    server.keepAliveTimeout = 100
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as AddressInfo
    ref.stub = new OpenAiStub(server, `http://127.0.0.1:${port}`)
    return ref.stub
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise((r) => this.server.close(r))
  }
}

const text = async (req: IncomingMessage) => {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** A judge's answer with `releasePercentage`. */
export const voteJson = (releasePercentage: number) =>
  JSON.stringify({
    scopeMet: releasePercentage === 100 ? 'yes' : releasePercentage === 0 ? 'no' : 'partial',
    qualityMet: releasePercentage === 100,
    releasePercentage,
    reasoning: `scripted: ${releasePercentage}`,
  })
