import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { SERVICE_PORTS } from '@tessera/infra-topology'

// docker-compose.yml cannot be run here (no container engine in CI), so this reads it the
// way compose would and checks what would otherwise only fail at `docker compose up`.

const ROOT = join(import.meta.dirname, '..', '..')
const APP_PORTS = SERVICE_PORTS

interface ComposeService {
  image?: string
  command?: string[]
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> }
  environment?: Record<string, string>
  depends_on?: Record<string, { condition?: string }>
  healthcheck?: { test?: string[] }
  ports?: string[]
  volumes?: string[]
  networks?: Record<string, { ipv4_address?: string }>
}

// `<<` merge keys are how the file shares the service template; compose reads them too
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>
  networks?: Record<string, { ipam?: { config?: { subnet?: string }[] } }>
}
const services = compose.services
/** The one address the services believe X-Forwarded-For from: the gateway container's. */
const gatewayAddress = services['gateway']?.networks?.['default']?.ipv4_address ?? ''
const built = Object.entries(services).filter(([, s]) => s.build?.dockerfile === 'Dockerfile')

describe('docker-compose.yml', () => {
  it('runs the six services, the gateway, NATS and Postgres', () => {
    expect(Object.keys(services).sort()).toEqual(
      [...Object.keys(APP_PORTS), 'gateway', 'nats', 'postgres'].sort(),
    )
  })

  it('builds each process from the Dockerfile, and each one it names exists', () => {
    expect(built.map(([name]) => name).sort()).toEqual(
      [...Object.keys(APP_PORTS), 'gateway'].sort(),
    )
    for (const [name, s] of built) {
      expect(s.build?.args?.['SERVICE'], name).toBe(name)
      expect(
        existsSync(join(ROOT, 'services', name, 'src', 'main.ts')),
        `services/${name}/src/main.ts`,
      ).toBe(true)
    }
  })

  it('checks every process through /health/ready and starts it after Postgres and NATS are healthy', () => {
    for (const [name, port] of Object.entries(APP_PORTS)) {
      const s = services[name]
      expect(s?.healthcheck?.test?.join(' '), name).toContain('/health/ready')
      expect(s?.depends_on?.['postgres']?.condition, name).toBe('service_healthy')
      expect(s?.depends_on?.['nats']?.condition, name).toBe('service_healthy')
      expect(s?.environment?.['PORT'], name).toBe(String(port))
      // a service listening on 127.0.0.1 inside its container is unreachable from the others
      expect(s?.environment?.['HOST'], name).toBe('0.0.0.0')
      // behind the gateway container: believed from its address alone (a per-IP limit trusting
      // only loopback would see every client as the gateway)
      expect(s?.environment?.['TRUST_PROXY'], name).toBe(gatewayAddress)
      expect(s?.ports, `${name} is reachable only through the gateway`).toBeUndefined()
      expect(new URL(s?.environment?.['DATABASE_URL'] ?? '').host, name).toBe('postgres:5432')
      expect(new URL(s?.environment?.['NATS_URL'] ?? '').host, name).toBe('nats:4222')
    }
  })

  it('gives the gateway a fixed address inside the network’s subnet, the one the services trust', () => {
    expect(gatewayAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
    const subnet = compose.networks?.['default']?.ipam?.config?.[0]?.subnet ?? ''
    const [base = '', bits = '0'] = subnet.split('/')
    const ip = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0)
    const mask = 2 ** 32 - 2 ** (32 - Number(bits))
    expect(Number(bits), subnet).toBeGreaterThanOrEqual(8)
    expect((ip(gatewayAddress) & mask) >>> 0, subnet).toBe((ip(base) & mask) >>> 0)
  })

  it('publishes only the gateway, on 8080, pointed at every service, once they are healthy', () => {
    const gateway = services['gateway']
    expect(gateway?.ports).toEqual(['8080:8080'])
    expect(gateway?.healthcheck?.test?.join(' ')).toContain('/health/ready')
    expect(gateway?.environment?.['HOST']).toBe('0.0.0.0')
    for (const [name, port] of Object.entries(APP_PORTS)) {
      expect(gateway?.environment?.[`${name.toUpperCase()}_URL`]).toBe(`http://${name}:${port}`)
      expect(gateway?.depends_on?.[name]?.condition).toBe('service_healthy')
    }
    const published = Object.entries(services).filter(([name, s]) => name !== 'gateway' && s.ports)
    expect(published).toEqual([])
  })

  it('gives NATS JetStream and Postgres 15 with the tessera database', () => {
    expect(services['nats']?.command).toContain('-js')
    expect(services['nats']?.image).toMatch(/^nats:2\.1\d/)
    expect(services['postgres']?.image).toMatch(/^postgres:15/)
    const init = services['postgres']?.volumes?.find((v) =>
      v.includes('docker-entrypoint-initdb.d'),
    )
    const source = init?.split(':')[0] ?? ''
    expect(existsSync(join(ROOT, source))).toBe(true)
    expect(readFileSync(join(ROOT, source), 'utf8')).toMatch(/CREATE DATABASE tessera/)
  })

  it('has a Dockerfile on Node 24 that runs the SERVICE it was built for', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1])
    expect(bases.length).toBeGreaterThan(0)
    for (const base of bases) expect(base).toMatch(/^node:24(-|$)/)
    expect(dockerfile).toMatch(/ARG SERVICE/)
    expect(dockerfile).toMatch(/services\/\$SERVICE\/src\/main\.ts/)
  })
})
