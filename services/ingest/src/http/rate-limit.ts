import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import rateLimit from '@fastify/rate-limit'

/** Route config that opts a route into the limit: `@RouteConfig(RATE_LIMITED)`. */
export const RATE_LIMITED = { rateLimit: {} }

/**
 * Rate limits per API key, or per IP without one: 429 `RATE_LIMITED` with `Retry-After`.
 * The key is a hash of the bearer token, so an invalid token is limited like any other.
 */
export async function registerRateLimit(app: FastifyInstance, perMinute: number) {
  if (perMinute === 0) return
  await app.register(rateLimit, {
    global: false,
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (req: FastifyRequest) => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
      return token ? `key:${createHash('sha256').update(token).digest('hex')}` : `ip:${req.ip}`
    },
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `rate limit of ${ctx.max} requests per minute exceeded; retry in ${ctx.after}`,
      details: { limit: ctx.max, retryAfterSeconds: Math.ceil(ctx.ttl / 1000) },
    }),
  })
}
