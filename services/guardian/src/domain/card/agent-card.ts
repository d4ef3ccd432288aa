import type {
  AgentCardSignature,
  AgentExtension,
  AgentInterface,
  AgentSkill,
  HTTPAuthSecurityScheme,
  SecurityRequirement,
} from '@a2a-js/sdk'

/**
 * Tessera's A2A extension: who the agent is (its `did:key` and Arden handle) and where its trust
 * profile lives. Its params are in the signed payload, so a verified card vouches for them.
 */
export const TRUST_EXTENSION_URI = 'https://tessera.dev/a2a/ext/trust/v1'
/** The name of the card's security scheme: a Tessera capability token as a bearer token. */
export const TOKEN_SCHEME = 'tesseraCapabilityToken'
export const A2A_PROTOCOL_VERSION = '1.0'
const DEFAULT_VERSION = '1.0.0'
const JSON_MODE = 'application/json'

export interface TrustExtensionParams {
  /** Absent when the agent registered no public key. */
  did?: string
  /** The Arden handle, `A-` and 8 hex digits. */
  handle: string
  trustProfileUrl: string
}

/** A skill as the card shows it: the v1.0 `AgentSkill`, leaving out what would be empty. */
export type CardSkill = Pick<AgentSkill, 'id' | 'name' | 'description' | 'tags'> &
  Partial<Pick<AgentSkill, 'examples' | 'securityRequirements'>>

/**
 * An A2A v1.0 `AgentCard` in its JSON form. Values that would be the protobuf default (empty
 * strings, lists and maps, `required: false`) are left out, as A2A's JSON does, so the card and
 * its canonical payload hold the same fields.
 */
export interface A2aAgentCard {
  name: string
  description: string
  /** The first is the preferred one. */
  supportedInterfaces: Omit<AgentInterface, 'tenant'>[]
  version: string
  capabilities: {
    streaming: boolean
    pushNotifications: boolean
    extensions: (Omit<AgentExtension, 'required' | 'params'> & {
      params: TrustExtensionParams
    })[]
  }
  /** The JSON form of the v1.0 `SecurityScheme` oneof: the case's name is the key. */
  securitySchemes: Record<string, { httpAuthSecurityScheme: HTTPAuthSecurityScheme }>
  securityRequirements: SecurityRequirement[]
  defaultInputModes: string[]
  defaultOutputModes: string[]
  skills: CardSkill[]
  /** JWS (RFC 7515) over the canonical card; none on a card being built. */
  signatures?: Pick<AgentCardSignature, 'protected' | 'signature'>[]
}

/** What a card is built from: the agent as guardian stores it. */
export interface CardAgent {
  agentId: string
  name: string
  framework: string
  capabilities: string[]
  metadata: Record<string, unknown>
  /** `A-` and 8 hex digits. */
  handle: string
  did?: string | undefined
}

/** Replaces a derived skill's fields; `id` names one of the agent's capabilities. */
export interface SkillOverride {
  id: string
  name?: string | undefined
  description?: string | undefined
  tags?: string[] | undefined
  examples?: string[] | undefined
}

/** What the caller may set on a card instead of what is derived from the agent. */
export interface CardOverrides {
  description?: string | undefined
  version?: string | undefined
  skills?: SkillOverride[] | undefined
}

/** A skill override for a capability the agent does not have: a card claims no more. */
export class SkillNotACapability extends Error {
  readonly code = 'VALIDATION_ERROR'
  constructor(readonly skills: string[]) {
    super(`skills must be capabilities of the agent: ${skills.join(', ')}`)
  }
}

/** Guardian's public card signing keys, named by each signature's `jku`. */
export const jwksUrl = (publicUrl: string) => `${publicUrl}/a2a/jwks.json`

/** Where Tessera answers for this agent, all under the one public URL (the gateway). */
export const cardUrls = (publicUrl: string, agentId: string) => ({
  interface: `${publicUrl}/a2a/agents/${agentId}`,
  card: `${publicUrl}/a2a/agents/${agentId}/agent-card.json`,
  trustProfile: `${publicUrl}/api/v1/trust/${agentId}`,
})

/**
 * The agent's unsigned A2A v1.0 card: one skill per capability, Tessera's capability tokens as
 * the security scheme and the trust extension. Pure: the same agent gives the same card.
 */
export function buildAgentCard(
  agent: CardAgent,
  publicUrl: string,
  overrides: CardOverrides = {},
): A2aAgentCard {
  const urls = cardUrls(publicUrl, agent.agentId)
  const byId = new Map((overrides.skills ?? []).map((s) => [s.id, s]))
  const unknown = [...byId.keys()].filter((id) => !agent.capabilities.includes(id))
  if (unknown.length) throw new SkillNotACapability(unknown)
  return {
    name: agent.name,
    description:
      overrides.description ??
      text(agent.metadata['description']) ??
      `${agent.name}, a ${agent.framework} agent registered with Tessera.`,
    supportedInterfaces: [
      { url: urls.interface, protocolBinding: 'JSONRPC', protocolVersion: A2A_PROTOCOL_VERSION },
    ],
    version: overrides.version ?? text(agent.metadata['version']) ?? DEFAULT_VERSION,
    capabilities: {
      streaming: false,
      pushNotifications: false,
      extensions: [
        {
          uri: TRUST_EXTENSION_URI,
          description:
            "Tessera identity and trust: the agent's DID, Arden handle and trust profile.",
          params: {
            ...(agent.did ? { did: agent.did } : {}),
            handle: agent.handle,
            trustProfileUrl: urls.trustProfile,
          },
        },
      ],
    },
    securitySchemes: {
      [TOKEN_SCHEME]: {
        httpAuthSecurityScheme: {
          scheme: 'Bearer',
          bearerFormat: 'tcap',
          description:
            "A Tessera capability token (tcap_…) for this agent, issued by the org's guardian; " +
            'a skill needs a token whose scopes cover its id.',
        },
      },
    },
    securityRequirements: [{ schemes: { [TOKEN_SCHEME]: { list: [] } } }],
    defaultInputModes: [JSON_MODE],
    defaultOutputModes: [JSON_MODE],
    skills: agent.capabilities.map((c) => withOverride(skillOf(c), byId.get(c))),
  }
}

/** `files:read` → "Files: read"; `web:*` → "Web: any action". */
function skillOf(capability: string): CardSkill {
  const [namespace = capability, action = ''] = capability.split(':')
  const doing = action === '*' ? 'any action' : action.replace(/[_.-]+/g, ' ')
  const title = namespace.charAt(0).toUpperCase() + namespace.slice(1).replace(/[_.-]+/g, ' ')
  return {
    id: capability,
    name: `${title}: ${doing}`,
    description: `Acts with the \`${capability}\` capability, which guardian enforces.`,
    tags: action === '*' ? [namespace] : [namespace, action],
    securityRequirements: [{ schemes: { [TOKEN_SCHEME]: { list: [capability] } } }],
  }
}

function withOverride(skill: CardSkill, o: SkillOverride | undefined): CardSkill {
  if (!o) return skill
  return {
    ...skill,
    ...(o.name === undefined ? {} : { name: o.name }),
    ...(o.description === undefined ? {} : { description: o.description }),
    ...(o.tags === undefined ? {} : { tags: o.tags }),
    ...(o.examples === undefined || o.examples.length === 0 ? {} : { examples: o.examples }),
  }
}

/** A non-blank string from metadata, or undefined. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}
