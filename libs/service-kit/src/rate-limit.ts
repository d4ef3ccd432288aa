import type { FastifyInstance, FastifyRequest } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { sha256Hex } from './api-keys.ts'
import { ApiError } from './errors.ts'

/** Route config that opts a route into the limit: `@RouteConfig(RATE_LIMITED)`. */
export const RATE_LIMITED = { rateLimit: {} }

/** Resolves a request's `Authorization` to the id of a valid (issued, unrevoked) key, or null. */
type KeyResolver = (req: FastifyRequest) => Promise<string | null>

const KEY_CACHE_MS = 10_000
const KEY_CACHE_MAX = 10_000

/**
 * Rate limits per API key, or per IP without a valid one: 429 `RATE_LIMITED` with `Retry-After`.
 * Only a key that resolves gets a budget of its own: an invalid token counts as none (Arden v1),
 * so sending a new made-up token per request does not escape the IP's limit. Valid keys are
 * remembered briefly, so the lookup costs one query per key every few seconds. Without
 * `resolveKey` (routes that are public), every caller is limited per IP.
 */
export async function registerRateLimit(
  app: FastifyInstance,
  perMinute: number,
  resolveKey?: KeyResolver,
) {
  if (perMinute === 0) return
  const known = new Map<string, { keyId: string; until: number }>()
  const keyIdOf = async (req: FastifyRequest, authorization: string) => {
    const hash = sha256Hex(authorization)
    const hit = known.get(hash)
    if (hit && hit.until > Date.now()) return hit.keyId
    const keyId = (await resolveKey?.(req)) ?? null
    if (keyId) {
      if (known.size >= KEY_CACHE_MAX) known.clear()
      known.set(hash, { keyId, until: Date.now() + KEY_CACHE_MS })
    }
    return keyId
  }
  await app.register(rateLimit, {
    global: false,
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: async (req: FastifyRequest) => {
      const authorization = resolveKey ? req.headers.authorization : undefined
      const keyId = authorization ? await keyIdOf(req, authorization) : null
      return keyId ? `key:${keyId}` : `ip:${req.ip}`
    },
    // An ApiError, so the exception filter keeps the message and details.
    errorResponseBuilder: (_req, ctx) =>
      new ApiError(
        429,
        'RATE_LIMITED',
        `rate limit of ${ctx.max} requests per minute exceeded; retry in ${ctx.after}`,
        {
          limit: ctx.max,
          retryAfterSeconds: Math.ceil(ctx.ttl / 1000),
        },
      ),
  })
}
