import { z } from 'zod'
import { ActionEffect } from '../events/action.events.ts'
import { PactId } from '../events/pact.events.ts'

// Guardian's `POST /v1/actions/check` body, for the controller and for `@tessera/sdk`; the
// answer is `ActionCheckResult` in guard.views.ts.

/** What a check may hold; guardian's policy budget counts on them (a short field costs less). */
export const ACTION_CHECK_LIMITS = {
  actionChars: 100,
  toolNameChars: 200,
  /** Longer summaries are kept cut to this many code points, as the SDK cuts them. */
  summaryCodePoints: 200,
  paramsJsonChars: 16 * 1024,
} as const
export const MAX_CHECK_PARAMS_BYTES = ACTION_CHECK_LIMITS.paramsJsonChars

export const ActionCheckBody = z.object({
  agentId: z.string().min(1).max(100),
  /** The kind of action; guardian's default is `tool_call`. */
  action: z.string().trim().min(1).max(ACTION_CHECK_LIMITS.actionChars).default('tool_call'),
  toolName: z.string().trim().min(1).max(ACTION_CHECK_LIMITS.toolNameChars),
  /**
   * What the call is about, in a few words. Whole here, since an approval is bound to its
   * digest; guardian keeps the first 200 characters.
   */
  toolInputSummary: z.string().max(100_000).optional(),
  sessionId: z.string().min(1).max(100).optional(),
  /** Omitted: guardian classifies it from the tool name, and `confidence` says how surely. */
  actionEffect: ActionEffect.optional(),
  /** Only for the org's rules (`/params/amount`); guardian evaluates them and never stores them. */
  params: z
    .record(z.string(), z.unknown())
    .refine((p) => JSON.stringify(p).length <= MAX_CHECK_PARAMS_BYTES, {
      message: `must be at most ${MAX_CHECK_PARAMS_BYTES} bytes of JSON`,
    })
    .optional(),
  /**
   * The pact the call is made under: guardian checks `params` against the pact's
   * `param_binding` conditions for `toolName` and denies a call that breaks one
   * (`pact.param_binding`). The agent must be a party of the active pact.
   */
  pactId: PactId.optional(),
})
export type ActionCheckRequest = z.input<typeof ActionCheckBody>
