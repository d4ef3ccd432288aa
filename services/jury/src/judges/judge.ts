import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import type { JudgeProvider } from '@tessera/contracts'
import type { EvidencePackage } from '../domain/dispute/evidence.ts'
import { rulesJudge } from '../domain/dispute/rules-judge.ts'
import type { JudgeConfig } from './judges.config.ts'

export interface Prompt {
  system: string
  user: string
}

/** A provider plus a model: asked the prompt, answers raw text (parsed by the panel). */
export interface Judge {
  readonly configId: string
  readonly provider: JudgeProvider
  readonly model: string
  ask(prompt: Prompt, evidence: EvidencePackage, signal: AbortSignal): Promise<string>
}

/** The client of each configured judge; `env` is where `apiKeyEnv` is looked up. */
export function judgeOf(
  c: JudgeConfig,
  env: Record<string, string | undefined> = process.env,
): Judge {
  switch (c.provider) {
    case 'openai-compatible': {
      // our own retries and timeouts: the panel's, recorded per attempt
      const client = new OpenAI({
        baseURL: c.baseURL,
        apiKey: (c.apiKeyEnv && env[c.apiKeyEnv]) || 'none',
        maxRetries: 0,
      })
      return {
        configId: c.id,
        provider: c.provider,
        model: c.model,
        async ask(p, _e, signal) {
          const r = await client.chat.completions.create(
            {
              model: c.model,
              temperature: 0,
              messages: [
                { role: 'system', content: p.system },
                { role: 'user', content: p.user },
              ],
            },
            { signal },
          )
          return r.choices[0]?.message.content ?? ''
        },
      }
    }
    case 'anthropic': {
      const client = new Anthropic({
        apiKey: env[c.apiKeyEnv] ?? 'none',
        maxRetries: 0,
        ...(c.baseURL ? { baseURL: c.baseURL } : {}),
      })
      return {
        configId: c.id,
        provider: c.provider,
        model: c.model,
        async ask(p, _e, signal) {
          const r = await client.messages.create(
            {
              model: c.model,
              max_tokens: 1024,
              system: p.system,
              messages: [{ role: 'user', content: p.user }],
            },
            { signal },
          )
          return r.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('')
        },
      }
    }
    case 'rules':
      return {
        configId: c.id,
        provider: 'rules',
        model: c.model,
        // reads the package, never the prompt's prose: injection cannot reach it
        ask: (_p, e) => Promise.resolve(JSON.stringify(rulesJudge(e))),
      }
  }
}
