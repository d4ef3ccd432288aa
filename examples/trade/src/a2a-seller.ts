import { randomUUID } from 'node:crypto'
import { AGENT_CARD_PATH, type AgentCard } from '@a2a-js/sdk'
import { type Client, ClientFactory } from '@a2a-js/sdk/client'
import { USER, dataMessage, firstData, isMessage } from './a2a-wire.ts'
import {
  type NegotiationReply,
  type NegotiationRequest,
  type SellerPort,
  type WorkReply,
  type WorkRequest,
  isRecord,
} from './trade-messages.ts'

/** The seller's card as served, unparsed: the buyer checks it before trusting any of it. */
export async function fetchAgentCard(sellerUrl: string): Promise<unknown> {
  const url = `${sellerUrl.replace(/\/+$/, '')}/${AGENT_CARD_PATH}`
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`)
  return res.json()
}

/** A seller reached over A2A: each call is one `SendMessage` with one data part. */
export class A2aSeller implements SellerPort {
  private constructor(private readonly client: Client) {}

  static async connect(card: AgentCard): Promise<A2aSeller> {
    return new A2aSeller(await new ClientFactory().createFromAgentCard(card))
  }

  async negotiate(request: NegotiationRequest): Promise<NegotiationReply> {
    const answer = await this.send(request)
    const reply = isMessage(answer) ? firstData(answer.parts) : undefined
    if (!isRecord(reply) || typeof reply['status'] !== 'string') {
      throw new Error('the seller answered a negotiation without a reply')
    }
    return reply as NegotiationReply
  }

  async work(request: WorkRequest): Promise<WorkReply> {
    const answer = await this.send(request)
    const reply = isMessage(answer)
      ? firstData(answer.parts)
      : firstData(answer.status?.message?.parts)
    if (!isRecord(reply) || typeof reply['status'] !== 'string') {
      throw new Error('the seller answered the work without a reply')
    }
    return reply as WorkReply
  }

  private send(value: unknown) {
    return this.client.sendMessage({
      tenant: '',
      message: dataMessage(value, USER, { messageId: randomUUID() }),
      configuration: undefined,
      metadata: undefined,
    })
  }
}
