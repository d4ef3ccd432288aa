import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { asDemoAgent, ensureDemoAgent } from './demo-agent.ts'

/** Guardian's POST /v1/agents as a function, remembering what it was sent. */
function fakeGuardian(status = 201) {
  const sent: Record<string, unknown>[] = []
  const http: typeof fetch = (_input, init) => {
    sent.push(JSON.parse(init?.body as string) as Record<string, unknown>)
    const body =
      status === 201
        ? { id: 'agt_1', handle: 'A-0badf00d', did: 'did:key:z6Mkfake', status: 'active' }
        : { code: 'AUTH_FAILED' }
    return Promise.resolve(new Response(JSON.stringify(body), { status }))
  }
  return { http, sent }
}

describe('the demo agent', () => {
  it('is registered with the public half of a key pair whose private half it keeps', async () => {
    const { http, sent } = fakeGuardian()
    const opts = { guardianUrl: 'http://g', apiKey: 'tsk_live_x', stored: undefined, fetch: http }
    const { agent, reused } = await ensureDemoAgent(opts)
    expect(reused).toBe(false)
    expect(agent).toMatchObject({ agentId: 'agt_1', handle: 'A-0badf00d', did: 'did:key:z6Mkfake' })
    expect(sent[0]?.['publicKey']).toBe(agent.publicKey)
    expect(agent.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(agent.privateKey).toMatch(/^[A-Za-z0-9_-]{43}$/)

    const jwk = { kty: 'OKP', crv: 'Ed25519', x: agent.publicKey }
    const privateKey = createPrivateKey({ key: { ...jwk, d: agent.privateKey }, format: 'jwk' })
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' })
    const message = Buffer.from('hello from the demo agent')
    expect(verify(null, message, publicKey, sign(null, message, privateKey))).toBe(true)
  })

  it("says what guardian answered when it won't register it", async () => {
    const opts = { guardianUrl: 'http://g', apiKey: 'k', stored: undefined }
    await expect(ensureDemoAgent({ ...opts, fetch: fakeGuardian(401).http })).rejects.toThrow(
      /POST http:\/\/g\/v1\/agents answered 401: .*AUTH_FAILED/,
    )
  })

  it('is read back from demo.json only when every field is there', () => {
    const agent = {
      agentId: 'agt_1',
      name: 'Demo Agent',
      handle: 'A-0badf00d',
      publicKey: 'x',
      privateKey: 'd',
      did: 'did:key:z',
    }
    expect(asDemoAgent(agent)).toEqual(agent)
    expect(asDemoAgent({ ...agent, privateKey: undefined })).toBeUndefined()
    expect(asDemoAgent('agt_1')).toBeUndefined()
  })
})
