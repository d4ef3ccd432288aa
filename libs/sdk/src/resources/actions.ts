import type {
  ActionCheckResult,
  ActionChecked,
  ActionEffect,
  CheckDecision,
} from '@tessera/contracts'
import type { HttpClient, Page } from '../http.ts'
import { segment } from '../http.ts'

export interface ActionCheckRequest {
  agentId: string
  toolName: string
  /** The kind of action; guardian's default is `tool_call`. */
  action?: string
  /** What the call is about, in a few words; guardian keeps at most 200 characters. */
  toolInputSummary?: string
  sessionId?: string
  /** Omitted: guardian classifies it from the tool name, and `confidence` says how surely. */
  actionEffect?: ActionEffect
  /** Only for the org's rules (`/params/amount`); guardian evaluates them and never stores them. */
  params?: Record<string, unknown>
}

export type { ActionCheckResult }

export interface ListChecksRequest {
  agentId?: string
  sessionId?: string
  decision?: CheckDecision
  rule?: string
  /** ISO 8601; inclusive. */
  from?: string
  /** ISO 8601; exclusive. */
  to?: string
  limit?: number
  cursor?: string
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
