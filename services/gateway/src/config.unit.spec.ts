import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.ts'

describe('gateway configuration', () => {
  it('defaults to the local ports of every service', () => {
    const config = loadConfig({})
    expect(config.port).toBe(8080)
    expect(config.host).toBe('127.0.0.1')
    expect(config.serviceUrls).toEqual({
      ingest: 'http://127.0.0.1:8081',
      guardian: 'http://127.0.0.1:8082',
      pacts: 'http://127.0.0.1:8083',
      escrow: 'http://127.0.0.1:8084',
      jury: 'http://127.0.0.1:8085',
      scoring: 'http://127.0.0.1:8086',
    })
  })

  it('takes each service URL from <SERVICE>_URL', () => {
    const config = loadConfig({
      GUARDIAN_URL: 'http://guardian:8082/',
      PORT: '9000',
      HOST: '0.0.0.0',
    })
    expect(config.serviceUrls.guardian).toBe('http://guardian:8082')
    expect(config.serviceUrls.scoring).toBe('http://127.0.0.1:8086')
    expect(config.port).toBe(9000)
    expect(config.host).toBe('0.0.0.0')
  })

  it('names every bad variable at once', () => {
    const load = () =>
      loadConfig({ JURY_URL: 'jury:8085', PACTS_URL: 'http://pacts:8083/base', PORT: 'eighty' })
    expect(load).toThrow(/JURY_URL=jury:8085 is not/)
    expect(load).toThrow(/PACTS_URL=http:\/\/pacts:8083\/base is not/)
    expect(load).toThrow(/PORT=eighty is not a port/)
  })

  it('limits a client to 1 MiB bodies and bounded waits unless told otherwise', () => {
    expect(loadConfig({}).limits).toEqual({
      bodyLimit: 1048576,
      maxUrlLength: 8192,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
      upstreamConnections: 64,
      upstreamTimeoutMs: 60_000,
    })
    const limits = loadConfig({
      GATEWAY_BODY_LIMIT: '2097152',
      GATEWAY_UPSTREAM_CONNECTIONS: '8',
    }).limits
    expect(limits.bodyLimit).toBe(2097152)
    expect(limits.upstreamConnections).toBe(8)
  })

  it('names a bad limit, and headers that may take longer than the whole request', () => {
    expect(() => loadConfig({ GATEWAY_BODY_LIMIT: '1mb' })).toThrow(
      /GATEWAY_BODY_LIMIT=1mb is not a positive integer/,
    )
    expect(() => loadConfig({ GATEWAY_HEADERS_TIMEOUT_MS: '60000' })).toThrow(
      /GATEWAY_HEADERS_TIMEOUT_MS=60000 is longer than GATEWAY_REQUEST_TIMEOUT_MS=30000/,
    )
  })
})
