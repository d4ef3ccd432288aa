import type { ActionChecked, ActionEffect, CheckDecision } from '@tessera/contracts'
import type { HttpClient } from '../http.ts'
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

export interface ActionCheckResult {
  allowed: boolean
  decision: CheckDecision
  elevationRequired: boolean
  reason: string
  /** The rule that decided: `agent.capabilities`, `session.supervised`, `policy:<name>`, … */
  rule: string
  confidence: number
  checkId: string
  /** Set when elevation is (or was) involved: the approval to decide, or the one used. */
  approvalId?: string
  capability: string
  effect: ActionEffect
  effectSource: 'declared' | 'classified'
}

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

export interface CheckPage {
  items: ActionChecked[]
  nextCursor: string | null
}

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
