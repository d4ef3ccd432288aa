import { z } from 'zod'
import { RULES_MODEL } from '../domain/dispute/rules-judge.ts'

/**
 * One judge of the deployment's panel: a provider and a model. Provider keys are never in this
 * JSON: `apiKeyEnv` names the variable that holds one (`OPENAI_API_KEY`); local servers (vLLM,
 * Ollama, llama.cpp) need none.
 */
export const JudgeConfig = z.discriminatedUnion('provider', [
  z.strictObject({
    id: z.string().min(1).max(100),
    provider: z.literal('openai-compatible'),
    model: z.string().min(1).max(200),
    baseURL: z.url(),
    apiKeyEnv: z.string().min(1).optional(),
  }),
  z.strictObject({
    id: z.string().min(1).max(100),
    provider: z.literal('anthropic'),
    model: z.string().min(1).max(200),
    baseURL: z.url().optional(),
    apiKeyEnv: z.string().min(1).default('ANTHROPIC_API_KEY'),
  }),
  z.strictObject({
    id: z.string().min(1).max(100),
    provider: z.literal('rules'),
    model: z.literal(RULES_MODEL).default(RULES_MODEL),
  }),
])
export type JudgeConfig = z.infer<typeof JudgeConfig>

/** The offline default: the deterministic rules judge in every seat. */
export const DEFAULT_JUDGES: JudgeConfig[] = [
  { id: 'rules', provider: 'rules', model: RULES_MODEL },
]

/** `JURY_JUDGES` / `JURY_APPEAL_JUDGES`: a JSON array of {@link JudgeConfig}. */
export const JudgesJson = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of judges' })
      return z.NEVER
    }
  })
  .pipe(
    z
      .array(JudgeConfig)
      .min(1)
      .max(15)
      .refine((js) => new Set(js.map((j) => j.id)).size === js.length, {
        message: 'judge ids must be unique',
      }),
  )
