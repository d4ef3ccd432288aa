import { describe, expect, it } from 'vitest'
import { stackConfig } from './services.ts'

describe('the process table of scripts/start.sh', () => {
  it('runs six services and the gateway on the documented ports', () => {
    const { processes } = stackConfig({})
    expect(processes.map((p) => [p.name, p.port, p.entry])).toEqual([
      ['ingest', 8081, 'services/ingest/src/main.ts'],
      ['guardian', 8082, 'services/guardian/src/main.ts'],
      ['pacts', 8083, 'services/pacts/src/main.ts'],
      ['escrow', 8084, 'services/escrow/src/main.ts'],
      ['jury', 8085, 'services/jury/src/main.ts'],
      ['scoring', 8086, 'services/scoring/src/main.ts'],
      ['gateway', 8080, 'services/gateway/src/main.ts'],
    ])
  })

  it('points the gateway at each service, wherever its port was moved', () => {
    const { processes } = stackConfig({ JURY_PORT: '9085', GATEWAY_PORT: '9080' })
    const gateway = processes.find((p) => p.name === 'gateway')
    expect(gateway?.env['PORT']).toBe('9080')
    expect(gateway?.env['JURY_URL']).toBe('http://127.0.0.1:9085')
    expect(gateway?.env['INGEST_URL']).toBe('http://127.0.0.1:8081')
    expect(processes.find((p) => p.name === 'jury')?.env['PORT']).toBe('9085')
  })

  it('gives every process the same Postgres and NATS, and only guardian the bootstrap token', () => {
    const config = stackConfig({
      TESSERA_DB_NAME: 'tessera_dev',
      TESSERA_BOOTSTRAP_TOKEN: 's3cret',
    })
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/tessera_dev')
    for (const p of config.processes) {
      expect(p.env['DATABASE_URL']).toBe(config.databaseUrl)
      expect(p.env['NATS_URL']).toBe('nats://127.0.0.1:4222')
      expect(p.env['TESSERA_BOOTSTRAP_TOKEN']).toBe(p.name === 'guardian' ? 's3cret' : undefined)
    }
  })

  it('prefers an explicit DATABASE_URL, and shows 0.0.0.0 as a reachable address', () => {
    const config = stackConfig({ DATABASE_URL: 'postgres://u@db:5432/x', TESSERA_HOST: '0.0.0.0' })
    expect(config.databaseUrl).toBe('postgres://u@db:5432/x')
    expect(config.processes[0]?.env['HOST']).toBe('0.0.0.0')
    expect(config.processes[0]?.url).toBe('http://127.0.0.1:8081')
  })

  it('rejects a port that is not one', () => {
    expect(() => stackConfig({ PACTS_PORT: '80a' })).toThrow('PACTS_PORT=80a is not a port number')
    expect(() => stackConfig({ TESSERA_READY_TIMEOUT_S: 'soon' })).toThrow(
      /TESSERA_READY_TIMEOUT_S/,
    )
  })
})
