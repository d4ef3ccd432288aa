import type {
  AcceptPactRequest,
  CounterPactRequest,
  ListPactsFilter,
  PageRequest,
  Pact,
  ProposePactRequest,
  RegisterPactRequest,
  RegisteredPact,
  RejectPactRequest,
  ReportExecutionFailureRequest,
} from '@tessera/contracts'
import type { HttpClient, Page } from '../http.ts'
import { paginate, segment } from '../http.ts'

export type ListPactsRequest = ListPactsFilter & PageRequest

export type PactPage = Page<Pact>

/**
 * `client.pacts`: signed, hash-bound terms between two agents (the reference's
 * `armalo.pacts`). Sign locally with `signPact(terms, secretKey)`; the key never leaves the
 * agent. Refusals are `TesseraError`s with stable codes (docs/pacts.md).
 */
export class PactsResource {
  constructor(private readonly http: HttpClient) {}

  /** Round 1, signed by `terms.proposedBy` (the buyer, an agent of this key's org). */
  propose(request: ProposePactRequest): Promise<Pact> {
    return this.http.request({ method: 'POST', path: '/v1/pacts', body: request })
  }

  /** A new round by the party whose turn it is: amended terms and its signature of them. */
  counter({ pactId, ...body }: CounterPactRequest): Promise<Pact> {
    return this.http.request({
      method: 'POST',
      path: `/v1/pacts/${segment(pactId)}/counter`,
      body,
    })
  }

  /** The other party signs the current round's `pactHash`: the pact is active. */
  accept({ pactId, ...body }: AcceptPactRequest): Promise<Pact> {
    return this.http.request({
      method: 'POST',
      path: `/v1/pacts/${segment(pactId)}/accept`,
      body,
    })
  }

  reject({ pactId, ...body }: RejectPactRequest): Promise<Pact> {
    return this.http.request({
      method: 'POST',
      path: `/v1/pacts/${segment(pactId)}/reject`,
      body,
    })
  }

  /** A pact negotiated peer to peer, with both signatures: `{pactId, status: 'active', …}`. */
  register(request: RegisterPactRequest): Promise<RegisteredPact> {
    return this.http.request({ method: 'POST', path: '/v1/pacts/register', body: request })
  }

  /** A `NotFoundError` for an unknown id and for a pact of other orgs alike. */
  get(pactId: string): Promise<Pact> {
    return this.http.request({ method: 'GET', path: `/v1/pacts/${segment(pactId)}` })
  }

  /** One page of the org's pacts, as buyer or seller; see {@link iterate} to walk them all. */
  list(request: ListPactsRequest = {}): Promise<PactPage> {
    const { status, agentId, limit, cursor } = request
    return this.http.request({
      method: 'GET',
      path: '/v1/pacts',
      query: { status, agentId, limit, cursor },
    })
  }

  iterate(request: Omit<ListPactsRequest, 'cursor'> = {}): AsyncGenerator<Pact> {
    return paginate((cursor) => this.list({ ...request, cursor }))
  }

  /** The seller could not do the work of an active pact. */
  reportExecutionFailure({ pactId, ...body }: ReportExecutionFailureRequest): Promise<Pact> {
    return this.http.request({
      method: 'POST',
      path: `/v1/pacts/${segment(pactId)}/execution-failures`,
      body,
    })
  }
}
