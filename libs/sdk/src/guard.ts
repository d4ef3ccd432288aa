import type { ActionEffect } from '@tessera/contracts'
import { Telemetry, type TelemetryLogger } from '@tessera/telemetry'
import { type TesseraClient, connectionOf } from './client.ts'
import {
  ActionDeniedError,
  ElevationRequiredError,
  GuardianUnavailableError,
  NetworkError,
  TesseraError,
} from './errors.ts'
import type { ActionCheckResult } from '@tessera/contracts'

/** What guardian keeps of a summary, and what the guard sends at most. */
export const MAX_INPUT_CHARS = 200

export interface TesseraGuardOptions {
  /** Checks and reports are made in this session (its mode and ceiling apply). */
  sessionId?: string
  /** Throw `ActionDeniedError` / `ElevationRequiredError` (default), or return the result. */
  blockOnDeny?: boolean
  /** When guardian cannot be reached: block with `GuardianUnavailableError` (default), or allow. */
  failOpen?: boolean
  /** Send input summaries (cut to 200 characters) with checks and reports. Default false. */
  logInputs?: boolean
  /** The effect of checks that do not name one; default: guardian classifies the tool name. */
  actionEffect?: ActionEffect
  /** Where `report` goes; default: a `Telemetry` on the client's URL and key. */
  telemetry?: Telemetry
  /** Default: `console`. */
  logger?: TelemetryLogger
  /**
   * The pact the guard's calls are made under (`pact_…`), unless a call names another: checks
   * send it with their params, so guardian applies the pact's param bindings, and reports
   * carry it, so pacts checks the calls again from telemetry.
   */
  pactId?: string
}

/** The call being checked: its params (checked against the org's rules and the pact's bindings). */
export interface GuardCall {
  /** Evaluated by guardian, never stored (only a digest, for approvals). */
  params?: Record<string, unknown>
  /** Overrides the guard's `pactId` for this call. */
  pactId?: string
}

/**
 * Check-then-report around each tool call. `check` asks guardian before the call and throws
 * when the call may not go ahead; `report` records the call afterwards through
 * `@tessera/telemetry`, batched, off the call path and never throwing.
 */
export class TesseraGuard {
  private readonly telemetry: Telemetry
  private readonly ownsTelemetry: boolean
  private readonly sessionId: string
  private readonly logger: TelemetryLogger

  constructor(
    private readonly client: TesseraClient,
    private readonly agentId: string,
    private readonly options: TesseraGuardOptions = {},
  ) {
    this.logger = options.logger ?? console
    this.ownsTelemetry = options.telemetry === undefined
    this.telemetry = options.telemetry ?? newTelemetry(client, this.logger)
    // telemetry needs a session; without one the guard's lifetime is the session
    this.sessionId = options.sessionId ?? `guard-${crypto.randomUUID()}`
  }

  /**
   * Asks guardian whether `tool` may run now. Returns the answer when allowed (or when
   * `blockOnDeny` is off); throws `ActionDeniedError`, `ElevationRequiredError` (with the
   * `approvalId` to decide) or, unless `failOpen`, `GuardianUnavailableError`. With `params`
   * and a pact (`call.pactId` or the guard's), a call that breaks one of the pact's param
   * bindings is denied (rule `pact.param_binding`).
   */
  async check(
    tool: string,
    summary?: string,
    effect?: ActionEffect,
    call: GuardCall = {},
  ): Promise<ActionCheckResult> {
    const actionEffect = effect ?? this.options.actionEffect
    const pactId = call.pactId ?? this.options.pactId
    let result: ActionCheckResult
    try {
      result = await this.client.actions.check({
        agentId: this.agentId,
        toolName: tool,
        ...(this.options.sessionId === undefined ? {} : { sessionId: this.options.sessionId }),
        ...(actionEffect === undefined ? {} : { actionEffect }),
        ...(call.params === undefined ? {} : { params: call.params }),
        ...(pactId === undefined ? {} : { pactId }),
        ...(this.options.logInputs && summary !== undefined
          ? { toolInputSummary: cut(summary) }
          : {}),
      })
    } catch (err) {
      if (!unreachable(err)) throw err
      if (this.options.failOpen) {
        this.logger.warn('@tessera/sdk guard: guardian unreachable, allowing (failOpen)', {
          tool,
          error: err.message,
        })
        return failOpenResult(tool, actionEffect)
      }
      throw new GuardianUnavailableError(
        'GUARDIAN_UNAVAILABLE',
        `guardian could not check ${tool}: ${err.message}`,
        {
          status: err.status,
          details: { tool },
          cause: err,
        },
      )
    }
    if (result.allowed || this.options.blockOnDeny === false) return result
    const details = {
      checkId: result.checkId,
      rule: result.rule,
      tool,
      approvalId: result.approvalId,
    }
    if (result.elevationRequired) {
      throw new ElevationRequiredError('ELEVATION_REQUIRED', result.reason, {
        status: 200,
        details,
      })
    }
    throw new ActionDeniedError('ACTION_DENIED', result.reason, { status: 200, details })
  }

  /**
   * Records a finished tool call: fire-and-forget, never throws. An error is reported by its
   * class name only; `input` is sent (cut to 200 characters) only with `logInputs`. `params`,
   * when given, are reported as the call's params (with the pact, pacts checks them against
   * its bindings); they take the place of `input`.
   */
  report(
    tool: string,
    success: boolean,
    durationMs: number,
    extra: {
      error?: unknown
      input?: string
      params?: Record<string, unknown>
      pactId?: string
    } = {},
  ): void {
    try {
      const errorClass = extra.error === undefined ? undefined : className(extra.error)
      const pactId = extra.pactId ?? this.options.pactId
      this.telemetry.toolCall({
        sessionId: this.sessionId,
        agentId: this.agentId,
        tool,
        params:
          extra.params ??
          (this.options.logInputs && extra.input !== undefined ? { input: cut(extra.input) } : {}),
        ...(pactId === undefined ? {} : { pactId }),
        outcome: success ? 'success' : 'error',
        latencyMs: Math.max(0, durationMs),
        ...(errorClass === undefined ? {} : { metadata: { errorClass } }),
      })
    } catch (err) {
      this.logger.warn('@tessera/sdk guard: report dropped', { tool, error: String(err) })
    }
  }

  /** Sends what `report` has buffered; the guard stays usable. */
  flush(): Promise<void> {
    return this.telemetry.flush()
  }

  /** Flushes and, if the guard made its own telemetry client, closes it. */
  async close(): Promise<void> {
    await (this.ownsTelemetry ? this.telemetry.close() : this.telemetry.flush())
  }
}

function newTelemetry(client: TesseraClient, logger: TelemetryLogger): Telemetry {
  const { baseUrl, apiKey, fetch } = connectionOf(client)
  return new Telemetry({ baseUrl, apiKey, fetch, logger })
}

/** Guardian did not answer, or answered that it is broken: a 5xx or no answer at all. */
function unreachable(err: unknown): err is TesseraError {
  if (err instanceof NetworkError || err instanceof GuardianUnavailableError) return true
  return err instanceof TesseraError && err.status !== undefined && err.status >= 500
}

function failOpenResult(tool: string, effect: ActionEffect | undefined): ActionCheckResult {
  return {
    allowed: true,
    decision: 'allow',
    elevationRequired: false,
    reason: `guardian unreachable; ${tool} allowed because the guard fails open`,
    rule: 'guard.fail_open',
    confidence: 0,
    checkId: '',
    capability: '',
    effect: effect ?? 'mutating',
    effectSource: effect === undefined ? 'classified' : 'declared',
  }
}

/** At most 200 characters (code points, so a surrogate pair is never split). */
function cut(text: string): string {
  if (text.length <= MAX_INPUT_CHARS) return text // never more code points than UTF-16 units
  const chars = Array.from(text)
  return chars.length <= MAX_INPUT_CHARS ? text : chars.slice(0, MAX_INPUT_CHARS).join('')
}

function className(error: unknown): string {
  if (error instanceof Error) return error.constructor.name || error.name || 'Error'
  return typeof error
}
