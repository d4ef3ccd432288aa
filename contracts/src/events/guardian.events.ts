import { z } from 'zod'

export const OrgId = z.string().regex(/^org_[0-9a-z]{26}$/, 'must be an org id (org_…)')

export const OrgCreated = z.object({
  orgId: OrgId,
  name: z.string().min(1).max(200),
  createdAt: z.iso.datetime({ offset: true }),
})
export type OrgCreated = z.infer<typeof OrgCreated>

export const ApiKeyIssued = z.object({
  keyId: z.string().regex(/^key_[0-9a-z]{26}$/),
  orgId: OrgId,
  /** The first characters of the key, safe to show; the key itself is never in an event. */
  prefix: z.string().min(8).max(20),
  /**
   * SHA-256 of the key, hex. It is what every service stores to authenticate the key itself;
   * the key has 256 random bits, so the hash gives nothing away.
   */
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  role: z.enum(['admin', 'member']),
  issuedAt: z.iso.datetime({ offset: true }),
})
export type ApiKeyIssued = z.infer<typeof ApiKeyIssued>

export const ApiKeyRevoked = z.object({
  keyId: z.string().regex(/^key_[0-9a-z]{26}$/),
  orgId: OrgId,
  revokedAt: z.iso.datetime({ offset: true }),
})
export type ApiKeyRevoked = z.infer<typeof ApiKeyRevoked>
