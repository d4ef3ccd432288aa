import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '@tessera/service-kit'
import { DEV_BOOTSTRAP_TOKEN, GuardianEnv, isLoopback } from './guardian.env.ts'

const load = (env: Record<string, string>) => () => loadConfig(GuardianEnv, env)

describe('guardian configuration: the bootstrap token', () => {
  it('refuses the development token when guardian listens beyond loopback, naming the variable', () => {
    for (const HOST of ['0.0.0.0', '::', '10.0.0.5', 'guardian']) {
      const start = load({ HOST, TESSERA_BOOTSTRAP_TOKEN: DEV_BOOTSTRAP_TOKEN })
      expect(start, HOST).toThrow(ConfigError)
      expect(start, HOST).toThrow(/TESSERA_BOOTSTRAP_TOKEN: is the development token/)
      expect(start, HOST).toThrow(`HOST=${HOST}`)
    }
  })

  it('accepts the development token on loopback, as scripts/start.sh runs it', () => {
    for (const HOST of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2']) {
      const config = load({ HOST, TESSERA_BOOTSTRAP_TOKEN: DEV_BOOTSTRAP_TOKEN })()
      expect(config.TESSERA_BOOTSTRAP_TOKEN, HOST).toBe(DEV_BOOTSTRAP_TOKEN)
    }
    // HOST unset is 127.0.0.1
    expect(load({ TESSERA_BOOTSTRAP_TOKEN: DEV_BOOTSTRAP_TOKEN })().HOST).toBe('127.0.0.1')
  })

  it('accepts an operator’s own token, or none, on any address', () => {
    expect(
      load({ HOST: '0.0.0.0', TESSERA_BOOTSTRAP_TOKEN: 'a-real-secret-0123456789' })(),
    ).toMatchObject({ TESSERA_BOOTSTRAP_TOKEN: 'a-real-secret-0123456789' })
    expect(load({ HOST: '0.0.0.0' })().TESSERA_BOOTSTRAP_TOKEN).toBeUndefined()
  })

  it('knows which addresses are loopback', () => {
    expect(['127.0.0.1', '127.255.0.9', '::ffff:127.0.0.1', 'LOCALHOST'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
    ])
    expect(['0.0.0.0', '::', '', '128.0.0.1', '127.0.0.1.evil.example'].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ])
  })

  it('stops the compose path from starting guardian until the operator sets a token', () => {
    const composeFile = join(import.meta.dirname, '..', '..', '..', 'docker-compose.yml')
    const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as {
      services: { guardian: { environment: Record<string, string> } }
    }
    // compose's own `${VAR}` / `${VAR:-default}` substitution, against the operator's shell
    const guardianEnv = (shell: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(compose.services.guardian.environment).map(([name, value]) => [
          name,
          String(value).replace(
            /\$\{(\w+)(?::-([^}]*))?\}/g,
            (_, v: string, fallback?: string) => shell[v] || (fallback ?? ''),
          ),
        ]),
      )
    expect(load(guardianEnv({}))).toThrow(/TESSERA_BOOTSTRAP_TOKEN: is the development token/)
    const config = load(guardianEnv({ TESSERA_BOOTSTRAP_TOKEN: 'operator-secret-0123456789' }))()
    expect(config.HOST).toBe('0.0.0.0')
    expect(config.TESSERA_BOOTSTRAP_TOKEN).toBe('operator-secret-0123456789')
  })
})
