import { z } from 'zod'
import { Ulid } from '../telemetry/arden.ts'

export const OrgId = z.string().regex(/^org_[0-9a-z]{26}$/, 'must be an org id (org_…)')

export const OrgCreated = z.object({
  orgId: OrgId,
  name: z.string().min(1).max(200),
  createdAt: z.iso.datetime({ offset: true }),
})
export type OrgCreated = z.infer<typeof OrgCreated>

export const KeyId = z.string().regex(/^key_[0-9a-z]{26}$/, 'must be a key id (key_…)')
/**
 * What a key may do (docs/roles.md): `admin` manages the org, `member` is an agent runtime's,
 * `approver` is a human's who decides elevations.
 */
export const ApiKeyRole = z.enum(['admin', 'member', 'approver'])
export type ApiKeyRole = z.infer<typeof ApiKeyRole>

export const ApiKeyIssued = z.object({
  keyId: KeyId,
  orgId: OrgId,
  /** The first characters of the key, safe to show; the key itself is never in an event. */
  prefix: z.string().min(8).max(20),
  /**
   * SHA-256 of the key, hex. It is what every service stores to authenticate the key itself;
   * the key has 256 random bits, so the hash gives nothing away.
   */
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  role: ApiKeyRole,
  /**
   * The user the key acts for, a ULID. Arden v1 fills an event's missing `user` from it. Keys
   * issued before it existed have none.
   */
  userId: Ulid.optional(),
  /** What the key is for, as its issuer named it (`ci-deploys`); keys may have none. */
  name: z.string().min(1).max(200).optional(),
  issuedAt: z.iso.datetime({ offset: true }),
})
export type ApiKeyIssued = z.infer<typeof ApiKeyIssued>

export const ApiKeyRevoked = z.object({
  keyId: KeyId,
  orgId: OrgId,
  revokedAt: z.iso.datetime({ offset: true }),
})
export type ApiKeyRevoked = z.infer<typeof ApiKeyRevoked>

export const AgentId = z.string().regex(/^agt_[0-9a-z]{26}$/, 'must be an agent id (agt_…)')
/** An agent's Arden handle: 8 lowercase hex digits, shown as `A-1234abcd`. */
export const AgentHandle = z.string().regex(/^[0-9a-f]{8}$/, 'must be 8 lowercase hex digits')
/** A capability such as `web:search` or `files:read`. */
export const Capability = z
  .string()
  .regex(/^[a-z0-9_.-]+:[a-z0-9_.*-]+$/, 'must look like `namespace:action`, e.g. web:search')

export const AgentRegistered = z.object({
  agentId: AgentId,
  orgId: OrgId,
  name: z.string().min(1).max(200),
  framework: z.string().min(1).max(100),
  capabilities: z.array(Capability).max(200),
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** Ed25519 public key, 32 bytes, base64url. */
  publicKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .optional(),
  /** `did:key` of the public key, when there is one. */
  did: z.string().startsWith('did:key:').optional(),
  handle: AgentHandle,
  registeredAt: z.iso.datetime({ offset: true }),
})
export type AgentRegistered = z.infer<typeof AgentRegistered>

export const AgentRevoked = z.object({
  agentId: AgentId,
  orgId: OrgId,
  reason: z.string().min(1).max(500),
  revokedAt: z.iso.datetime({ offset: true }),
})
export type AgentRevoked = z.infer<typeof AgentRevoked>

export const TokenId = z.string().regex(/^tok_[0-9a-z]{26}$/, 'must be a token id (tok_…)')

/** A capability token was issued; like API keys, only its SHA-256 is ever recorded. */
export const CapabilityTokenIssued = z.object({
  tokenId: TokenId,
  agentId: AgentId,
  orgId: OrgId,
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  scopes: z.array(Capability).min(1).max(100),
  /** Targets the token may be presented to (`mcp://filesystem`); empty means any. */
  audience: z.array(z.string().min(1).max(500)).max(20),
  issuedAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
})
export type CapabilityTokenIssued = z.infer<typeof CapabilityTokenIssued>

export const CapabilityTokenRevoked = z.object({
  tokenId: TokenId,
  agentId: AgentId,
  orgId: OrgId,
  revokedAt: z.iso.datetime({ offset: true }),
})
export type CapabilityTokenRevoked = z.infer<typeof CapabilityTokenRevoked>

/** A session id, `ses_…`. */
export const SessionId = z.string().regex(/^ses_[0-9a-z]{26}$/, 'must be a session id (ses_…)')

export const SessionMode = z.enum(['open', 'restricted', 'supervised'])
export type SessionMode = z.infer<typeof SessionMode>

/** An agent connected to a server (an MCP server, an API): its checks are counted against it. */
export const SessionStarted = z.object({
  sessionId: SessionId,
  agentId: AgentId,
  orgId: OrgId,
  serverId: z.string().min(1).max(200),
  mode: SessionMode,
  /** The most this session may use: within the agent's capabilities, or its delegation's scope. */
  scopeCeiling: z.array(Capability).max(200),
  startedAt: z.iso.datetime({ offset: true }),
  /** The delegation the session acts under: its scope is the ceiling. */
  delegationId: z
    .string()
    .regex(/^dlg_[0-9a-z]{26}$/)
    .optional(),
  /** When the session's authority ends: its delegation's expiry. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
})
export type SessionStarted = z.infer<typeof SessionStarted>

export const SessionClosed = z.object({
  sessionId: SessionId,
  agentId: AgentId,
  orgId: OrgId,
  reason: z.enum(['agent_revoked', 'ended', 'delegation_revoked']),
  closedAt: z.iso.datetime({ offset: true }),
})
export type SessionClosed = z.infer<typeof SessionClosed>
