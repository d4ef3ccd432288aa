import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { BaseEnv, ConfigError, loadConfig } from './config.ts'

const Env = BaseEnv.extend({ PORT: z.coerce.number().int().min(0).max(65535).default(8082) })

describe('loadConfig', () => {
  it('fills defaults for a bare environment', () => {
    const c = loadConfig(Env, {})
    expect(c).toMatchObject({
      PORT: 8082,
      HOST: '127.0.0.1',
      NATS_URL: 'nats://127.0.0.1:4222',
      TESSERA_STREAM_PREFIX: '',
    })
  })

  it('names every bad or missing variable at once, with the value it got', () => {
    const err = (() => {
      try {
        loadConfig(BaseEnv, { DATABASE_URL: 'mysql://x', TESSERA_STREAM_PREFIX: 'lower_' })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(ConfigError)
    const message = (err as ConfigError).message
    expect(message).toContain('PORT: missing')
    expect(message).toContain('DATABASE_URL: must be a postgres:// URL (got "mysql://x")')
    expect(message).toContain('TESSERA_STREAM_PREFIX')
    expect((err as ConfigError).problems).toHaveLength(3)
  })
})
