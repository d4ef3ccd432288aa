import { describe, expect, it } from 'vitest'
import { TesseraClient, trustOracle } from '../client.ts'

describe('client.trust', () => {
  it('calls the trust oracle’s three routes, escaping the id', async () => {
    const calls: { url: string; method: string; body: string | null }[] = []
    const client = new TesseraClient({
      baseUrl: 'http://tessera.test',
      apiKey: 'tsk_live_x',
      fetch: (input, init) => {
        calls.push({
          url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
          method: init?.method ?? 'GET',
          body: typeof init?.body === 'string' ? init.body : null,
        })
        return Promise.resolve(
          new Response(JSON.stringify({ approved: true, reasons: [] }), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          }),
        )
      },
    })
    await client.trust.get('did:key:z6Mk')
    await client.trust.explain('A-1234abcd')
    const r = await client.trust.evaluate('agt_x', { policy: { minCompositeScore: 800 } })
    expect(r.approved).toBe(true)
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET http://tessera.test/api/v1/trust/did%3Akey%3Az6Mk',
      'GET http://tessera.test/api/v1/trust/A-1234abcd/explain',
      'POST http://tessera.test/api/v1/trust/agt_x/evaluate',
    ])
    expect(JSON.parse(calls[2]!.body!)).toEqual({ policy: { minCompositeScore: 800 } })
  })
})

describe('trustOracle: the same three calls, with no key', () => {
  it('sends no Authorization header, and refuses a bad baseUrl up front', async () => {
    const seen: { url: string; headers: Headers }[] = []
    const trust = trustOracle({
      baseUrl: 'http://tessera.test/',
      fetch: (input, init) => {
        seen.push({
          url: input instanceof Request ? input.url : input.toString(),
          headers: new Headers(init?.headers),
        })
        return Promise.resolve(
          new Response(JSON.stringify({ compositeScore: 700 }), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          }),
        )
      },
    })
    expect(await trust.get('did:key:z6Mk')).toEqual({ compositeScore: 700 })
    await trust.explain('agt_x')
    await trust.evaluate('agt_x', { policy: {} })
    expect(seen.map((s) => s.url)).toEqual([
      'http://tessera.test/api/v1/trust/did%3Akey%3Az6Mk',
      'http://tessera.test/api/v1/trust/agt_x/explain',
      'http://tessera.test/api/v1/trust/agt_x/evaluate',
    ])
    for (const s of seen) {
      expect(s.headers.has('authorization')).toBe(false)
      expect(s.headers.get('accept')).toBe('application/json')
    }
    expect(() => trustOracle({ baseUrl: 'tessera.test' })).toThrow(/baseUrl must be/)
  })
})
