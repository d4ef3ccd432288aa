import { generateKeyPairSync } from 'node:crypto'

/** The demo org's agent, as `.tessera/demo.json` keeps it: with its key pair. */
export interface DemoAgent {
  agentId: string
  name: string
  /** The Arden handle, `A-` and 8 hex digits. */
  handle: string
  /** Ed25519, raw 32 bytes as base64url (the JWK's `x`). */
  publicKey: string
  /** Ed25519 private key, raw 32 bytes as base64url (the JWK's `d`). Only this file has it. */
  privateKey: string
  did: string
}

export interface DemoAgentOptions {
  guardianUrl: string
  /** The demo org's API key. */
  apiKey: string
  /** What demo.json had; reused while guardian still has it active. */
  stored: DemoAgent | undefined
  fetch?: typeof fetch
}

const AGENT_NAME = 'Demo Agent'

/** Reuses the saved agent while guardian still has it active; otherwise registers a new one. */
export async function ensureDemoAgent(
  opts: DemoAgentOptions,
): Promise<{ agent: DemoAgent; reused: boolean }> {
  const http = opts.fetch ?? fetch
  if (opts.stored && (await stillActive(http, opts, opts.stored))) {
    return { agent: opts.stored, reused: true }
  }
  return { agent: await registerAgent(http, opts), reused: false }
}

async function stillActive(http: typeof fetch, opts: DemoAgentOptions, agent: DemoAgent) {
  const url = `${opts.guardianUrl}/v1/agents/${encodeURIComponent(agent.agentId)}`
  const res = await http(url, {
    headers: { authorization: `Bearer ${opts.apiKey}` },
    signal: AbortSignal.timeout(10_000),
  })
  const body = parseObject(await res.text())
  return res.status === 200 && body?.['status'] === 'active' && body['handle'] === agent.handle
}

async function registerAgent(http: typeof fetch, opts: DemoAgentOptions): Promise<DemoAgent> {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })
  if (!jwk.x || !jwk.d) throw new Error('node:crypto exported an Ed25519 JWK without x and d')
  const url = `${opts.guardianUrl}/v1/agents`
  const res = await http(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: AGENT_NAME,
      framework: 'demo',
      capabilities: ['web:search', 'files:read'],
      metadata: { createdBy: 'scripts/start.sh' },
      publicKey: jwk.x,
    }),
    signal: AbortSignal.timeout(10_000),
  })
  const text = await res.text()
  if (res.status !== 201) {
    throw new Error(`POST ${url} answered ${res.status}: ${text.slice(0, 500)}`)
  }
  const { id, handle, did } = parseObject(text) ?? {}
  if (typeof id !== 'string' || typeof handle !== 'string' || typeof did !== 'string') {
    throw new Error(`POST ${url} answered 201 without id, handle and did: ${text.slice(0, 500)}`)
  }
  return { agentId: id, name: AGENT_NAME, handle, publicKey: jwk.x, privateKey: jwk.d, did }
}

/** The saved agent, if `value` looks like one. */
export function asDemoAgent(value: unknown): DemoAgent | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const o = value as Record<string, unknown>
  const fields = ['agentId', 'name', 'handle', 'publicKey', 'privateKey', 'did'] as const
  return fields.every((f) => typeof o[f] === 'string') ? (o as unknown as DemoAgent) : undefined
}

/** `text` as a JSON object, or undefined when it is not one. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text)
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
