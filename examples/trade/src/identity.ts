import {
  didKeyOf,
  ed25519PublicKeyOf,
  generateEd25519KeyPair,
  publicKeyOfDidKey,
} from '@tessera/crypto'
import type { TesseraClient } from '@tessera/sdk'
import { notYetKnown, retryWhile } from './retry.ts'

/** An agent as it trades: its Tessera ids and the Ed25519 key only it holds. */
export interface TradingAgent {
  agentId: string
  /** The Arden handle, `A-` and 8 hex digits. */
  handle: string
  did: string
  secretKey: Uint8Array
}

/** The 32-byte seed as base64url: how `.tessera/demo.json` and the CLIs' env pass a key. */
export const encodeSecretKey = (secretKey: Uint8Array) =>
  Buffer.from(secretKey).toString('base64url')

export function decodeSecretKey(encoded: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(encoded.trim(), 'base64url'))
  if (bytes.length !== 32) throw new TypeError('an Ed25519 secret key is 32 bytes (base64url)')
  return bytes
}

/** The `did:key` of a secret key: what the agent signs as. */
export const didOf = (secretKey: Uint8Array) => didKeyOf(ed25519PublicKeyOf(secretKey))

/**
 * Registers an agent with a fresh key pair. The public key goes to guardian; the secret key
 * stays here, so pacts and completions are signed locally.
 */
export async function registerTradingAgent(
  client: TesseraClient,
  options: { name: string; capabilities?: string[]; framework?: string },
): Promise<TradingAgent> {
  const { secretKey, publicKey } = generateEd25519KeyPair()
  const agent = await client.agents.create({
    name: options.name,
    framework: options.framework ?? 'a2a-example',
    capabilities: options.capabilities ?? [],
    publicKey: Buffer.from(publicKey).toString('base64url'),
  })
  if (!agent.did) throw new Error(`guardian registered ${agent.id} without a did:key`)
  return { agentId: agent.id, handle: agent.handle, did: agent.did, secretKey }
}

/** Reads the agent back from guardian by id and checks the key is the one registered. */
export async function loadTradingAgent(
  client: TesseraClient,
  agentId: string,
  secretKey: Uint8Array,
): Promise<TradingAgent> {
  const agent = await client.agents.get(agentId)
  const did = didOf(secretKey)
  if (agent.did !== did) {
    throw new Error(`${agentId} is registered with ${agent.did ?? 'no key'}, not this key (${did})`)
  }
  return { agentId: agent.id, handle: agent.handle, did, secretKey }
}

/** The Ed25519 key a `did:key` names, or undefined for any other kind of id. */
export function publicKeyOfDid(id: string): Uint8Array | undefined {
  return id.startsWith('did:key:') ? publicKeyOfDidKey(id) : undefined
}

/**
 * The agent named by `<ROLE>_AGENT_ID` and `<ROLE>_SECRET_KEY`, or a new one whose wallet is
 * credited `creditMicro` (an admin key's right); `log` prints how to reuse a new one.
 */
export async function agentFromEnv(
  client: TesseraClient,
  env: Record<string, string | undefined>,
  role: 'BUYER' | 'SELLER',
  create: { name: string; capabilities?: string[]; creditMicro: bigint },
  log: (line: string) => void,
): Promise<{ agent: TradingAgent; created: boolean }> {
  const id = env[`${role}_AGENT_ID`]?.trim()
  const secret = env[`${role}_SECRET_KEY`]?.trim()
  if (id && secret) {
    return { agent: await loadTradingAgent(client, id, decodeSecretKey(secret)), created: false }
  }
  const agent = await registerTradingAgent(client, create)
  await retryWhile(notYetKnown, () =>
    client.accounts.credit(`acct_${agent.agentId}`, {
      amount: String(create.creditMicro),
      reference: `example ${create.name}`,
    }),
  )
  log(`registered a new agent, its wallet credited ${create.creditMicro} µUSDC; to reuse it:`)
  log(`  ${role}_AGENT_ID=${agent.agentId} ${role}_SECRET_KEY=${encodeSecretKey(agent.secretKey)}`)
  return { agent, created: true }
}
