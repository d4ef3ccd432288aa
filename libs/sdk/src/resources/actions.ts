import type {
  ActionCheckRequest,
  ActionCheckResult,
  ActionChecked,
  CheckDecision,
  PageRequest,
} from '@tessera/contracts'
import type { HttpClient, Page } from '../http.ts'
import { segment } from '../http.ts'

export interface ListChecksRequest extends PageRequest {
  agentId?: string
  sessionId?: string
  decision?: CheckDecision
  rule?: string
  /** ISO 8601; inclusive. */
  from?: string
  /** ISO 8601; exclusive. */
  to?: string
}

export type CheckPage = Page<ActionChecked>

/** `client.actions`: pre-flight checks, and the decision log they are written to. */
export class ActionsResource {
  constructor(private readonly http: HttpClient) {}

  /**
   * Asks before a tool call. A deny or an elevation is an answer, not an error: read
   * `allowed`. (`TesseraGuard.check` throws for them instead.)
   */
  check(request: ActionCheckRequest): Promise<ActionCheckResult> {
    return this.http.request({ method: 'POST', path: '/v1/actions/check', body: request })
  }

  /** The decision log, newest first. */
  listChecks(request: ListChecksRequest = {}): Promise<CheckPage> {
    const { agentId, sessionId, decision, rule, from, to, limit, cursor } = request
    return this.http.request({
      method: 'GET',
      path: '/v1/actions/checks',
      query: { agentId, sessionId, decision, rule, from, to, limit, cursor },
    })
  }

  getCheck(checkId: string): Promise<ActionChecked> {
    return this.http.request({ method: 'GET', path: `/v1/actions/checks/${segment(checkId)}` })
  }
}
