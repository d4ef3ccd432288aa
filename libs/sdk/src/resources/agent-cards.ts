import type { HttpClient } from '../http.ts'
import { segment } from '../http.ts'

/** The URI of Tessera's A2A extension in `capabilities.extensions`. */
export const TESSERA_TRUST_EXTENSION_URI = 'https://tessera.dev/a2a/ext/trust/v1'

/** The params of Tessera's trust extension: signed with the rest of the card. */
export interface TesseraTrustExtensionParams {
  /** The agent's `did:key`; absent when it registered no public key. */
  did?: string
  /** The Arden handle, `A-` and 8 hex digits. */
  handle: string
  trustProfileUrl: string
}

/** One JWS (RFC 7515) over the card's canonical payload, which is left out (detached). */
export interface AgentCardSignature {
  /** base64url of the protected header: `alg`, `kid`, `typ`, `jku`. */
  protected: string
  signature: string
  header?: Record<string, unknown>
}

export interface AgentCardExtension {
  uri: string
  description?: string
  required?: boolean
  params?: Record<string, unknown>
}

export interface AgentCardSkill {
  /** On a Tessera card: the capability, e.g. `web:search`. */
  id: string
  name: string
  description: string
  tags: string[]
  examples?: string[]
  inputModes?: string[]
  outputModes?: string[]
  securityRequirements?: AgentCardSecurityRequirement[]
}

/** Scheme name → the scopes it must carry. */
export interface AgentCardSecurityRequirement {
  schemes: Record<string, { list?: string[] }>
}

/**
 * An A2A v1.0 agent card in its JSON form. Guardian leaves out what would be empty, as A2A's
 * JSON does; other A2A agents' cards may carry more fields than are typed here.
 */
export interface AgentCard {
  name: string
  description: string
  /** The first is the preferred one. */
  supportedInterfaces: {
    url: string
    protocolBinding: string
    protocolVersion: string
    tenant?: string
  }[]
  version: string
  capabilities: {
    streaming?: boolean
    pushNotifications?: boolean
    extendedAgentCard?: boolean
    extensions?: AgentCardExtension[]
  }
  /** Name → the scheme, as its oneof case, e.g. `{ httpAuthSecurityScheme: { scheme: 'Bearer' } }`. */
  securitySchemes?: Record<string, Record<string, unknown>>
  securityRequirements?: AgentCardSecurityRequirement[]
  defaultInputModes: string[]
  defaultOutputModes: string[]
  skills: AgentCardSkill[]
  signatures?: AgentCardSignature[]
}

/** Replaces what guardian derives; a skill `id` must be one of the agent's capabilities. */
export interface AgentCardOverrides {
  description?: string
  version?: string
  skills?: {
    id: string
    name?: string
    description?: string
    tags?: string[]
    examples?: string[]
  }[]
}

export interface PublishedAgentCard {
  agentId: string
  /** Where anyone reads the card, without a key. */
  url: string
  /** SHA-256, hex, of the canonical payload the signature covers. */
  cardHash: string
  /** The signing key's id in guardian's JWKS. */
  kid: string
  publishedAt: string
  card: AgentCard
}

/** Guardian's public signing keys (`GET /a2a/jwks.json`). */
export interface AgentCardJwks {
  keys: ({ kid: string; kty: string } & Record<string, unknown>)[]
}

/**
 * `client.agentCards`: an agent's A2A v1.0 card, signed by guardian. Check a card with
 * {@link verifyAgentCard}.
 */
export class AgentCardsResource {
  constructor(private readonly http: HttpClient) {}

  /** The signed card publishing would serve now; nothing is stored. 409 once revoked. */
  generate(agentId: string, overrides: AgentCardOverrides = {}): Promise<AgentCard> {
    return this.http.request({ method: 'POST', path: cardPath(agentId), body: overrides })
  }

  /** Signs the card and serves it at `url`; publishing the same card again changes nothing. */
  publish(agentId: string, overrides: AgentCardOverrides = {}): Promise<PublishedAgentCard> {
    return this.http.request({
      method: 'POST',
      path: `${cardPath(agentId)}/publish`,
      body: overrides,
    })
  }

  /** Takes the card down: its URL answers 404 again. Revoking the agent does this too. */
  unpublish(agentId: string): Promise<{ agentId: string; published: false }> {
    return this.http.request({ method: 'POST', path: `${cardPath(agentId)}/unpublish` })
  }

  /** The published card, as anyone reads it (no key needed); a `NotFoundError` until then. */
  getPublic(agentId: string): Promise<AgentCard> {
    return this.http.request({
      method: 'GET',
      path: `/a2a/agents/${segment(agentId)}/agent-card.json`,
    })
  }

  /** Guardian's card signing keys, to pass to {@link verifyAgentCard} as `{ jwks }`. */
  jwks(): Promise<AgentCardJwks> {
    return this.http.request({ method: 'GET', path: '/a2a/jwks.json' })
  }
}

const cardPath = (agentId: string) => `/v1/agents/${segment(agentId)}/card`
