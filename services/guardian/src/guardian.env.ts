import { DEV_BOOTSTRAP_TOKEN } from '@tessera/infra-topology'
import { z } from 'zod'
import { serviceEnv } from '@tessera/service-kit'

/**
 * The bootstrap token `scripts/start.sh` and compose use when none is set (infra/topology):
 * printed in the README, so anyone can create orgs with it. Fine on loopback, never beyond.
 */
export { DEV_BOOTSTRAP_TOKEN }

/** Addresses only this machine reaches: `localhost`, 127.0.0.0/8 and ::1 (IPv4-mapped too). */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

const PKCS8_PEM = /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----$/

const GuardianEnvShape = serviceEnv('guardian').extend({
  /** Lets the operator create orgs (`POST /v1/orgs`); unset disables org creation. */
  TESSERA_BOOTSTRAP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How often lapsed approvals are recorded as expired (they read as expired at once). */
  GUARDIAN_APPROVAL_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /**
   * How the decision log commits. `sync` (default): each group commit waits for the WAL to
   * reach disk, so no answered check is ever missing from the log. `async`: it waits only
   * for the WAL to reach Postgres (synchronous_commit=off): a guardian crash still loses
   * nothing, but a Postgres or machine crash may lose the last ~0.6 s of decision records
   * (never approvals, revocations or any other state). Check latency drops by the fsync.
   */
  GUARDIAN_DECISION_LOG_COMMIT: z.enum(['sync', 'async']).default('sync'),
  /** Where clients reach Tessera (the gateway); A2A agent cards link here. */
  TESSERA_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('http://localhost:8080')
    .transform((url) => url.replace(/\/+$/, '')),
  /**
   * Guardian's Ed25519 key for signing A2A agent cards, as a PKCS8 PEM (`\n` escapes allowed).
   * Unset: one is generated at first start and kept in guardian's schema for every replica.
   */
  GUARDIAN_CARD_SIGNING_KEY: z
    .string()
    .transform((pem) => pem.replaceAll('\\n', '\n').trim())
    .refine((pem) => PKCS8_PEM.test(pem), 'must be a PKCS8 PEM (-----BEGIN PRIVATE KEY-----)')
    .optional(),
})

/** Checks across variables, on top of each variable's own. */
export const GuardianEnv = GuardianEnvShape.superRefine((env, ctx) => {
  if (env.TESSERA_BOOTSTRAP_TOKEN === DEV_BOOTSTRAP_TOKEN && !isLoopback(env.HOST)) {
    ctx.addIssue({
      code: 'custom',
      path: ['TESSERA_BOOTSTRAP_TOKEN'],
      message:
        `is the development token, which anyone can read in the README, and guardian listens ` +
        `beyond loopback (HOST=${env.HOST}): set TESSERA_BOOTSTRAP_TOKEN to a secret of at ` +
        `least 16 characters, or leave it unset to disable org creation`,
    })
  }
})
export type GuardianEnv = z.infer<typeof GuardianEnv>
