import { z } from 'zod'
import { SERVICE_PORTS, type ServiceName } from '@tessera/infra-topology'

/** Settings every service reads from its environment. */
export const BaseEnv = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/tessera'),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls|ws|wss):\/\//, 'must be a nats:// URL')
    .default('nats://127.0.0.1:4222'),
  TESSERA_STREAM_PREFIX: z
    .string()
    .regex(/^([A-Z][A-Z0-9]*_)?$/, 'must be empty or like T1A2B3_')
    .default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Which peers' `X-Forwarded-For` is believed, so rate limits and logs see the client behind
   * the gateway: `loopback` (the gateway beside it), an address or CIDR list (docker-compose
   * names the gateway container's fixed address), or `false`. Only the gateway's own address:
   * a client that reaches a service another way could write any `X-Forwarded-For`.
   */
  TRUST_PROXY: z.string().default('loopback'),
})
export type BaseEnv = z.infer<typeof BaseEnv>

/** A service's env: {@link BaseEnv} with its default port from the topology. */
export function serviceEnv(service: ServiceName) {
  return BaseEnv.extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(SERVICE_PORTS[service]),
  })
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
    this.name = 'ConfigError'
  }
}

/** Parses env into typed config, naming every missing or bad variable at once. */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const parsed = schema.safeParse(env)
  if (parsed.success) return parsed.data
  throw new ConfigError(
    parsed.error.issues.map((i) => {
      const name = i.path.join('.')
      return env[name] === undefined
        ? `${name}: missing (${i.message})`
        : `${name}: ${i.message} (got ${JSON.stringify(env[name])})`
    }),
  )
}
