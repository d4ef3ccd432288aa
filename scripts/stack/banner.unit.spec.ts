import { describe, expect, it } from 'vitest'
import { banner } from './banner.ts'
import type { DemoOrgResult } from './demo-org.ts'
import { stackConfig } from './services.ts'

const demo: DemoOrgResult = {
  org: {
    orgId: 'org_demo',
    name: 'Demo Org',
    apiKey: 'tsk_live_demo',
    keyId: 'key_demo',
    database: '127.0.0.1:5432/tessera',
    createdAt: '2026-11-21T23:00:00.000Z',
  },
  reused: true,
  profileVisible: true,
  agent: {
    agentId: 'agt_demo',
    name: 'Demo Agent',
    handle: 'A-0badf00d',
    publicKey: 'public-half',
    privateKey: 'private-half',
    did: 'did:key:z6Mkdemo',
  },
  agentReused: false,
}

describe('the banner', () => {
  const text = banner(stackConfig({}).processes, demo, 'dev-bootstrap-token', '.tessera/demo.json')
  const line = (start: string) => text.split('\n').find((l) => l.trimStart().startsWith(start))

  it("shows the demo org's id and API key", () => {
    expect(line('demo org')).toContain('org_demo (Demo Org), reused from .tessera/demo.json')
    expect(line('API key')).toContain('tsk_live_demo')
  })

  it("shows the demo agent's id, Arden handle and private key", () => {
    expect(line('demo agent')).toContain('agt_demo (Demo Agent), created, saved in')
    expect(line('handle')).toContain('A-0badf00d')
    expect(line('handle')).toContain('did:key:z6Mkdemo')
    expect(line('agent key')).toContain('private-half')
    expect(text).toContain('/v1/agents/agt_demo -H "Authorization: Bearer tsk_live_demo"')
  })

  it("offers an action check of the demo agent that works as pasted", () => {
    const check = text.split('\n').find((l) => l.includes('/v1/actions/check')) ?? ''
    expect(check).toContain('-H "Authorization: Bearer tsk_live_demo"')
    const body = /-d '(.*)'$/.exec(check)?.[1] ?? ''
    expect(JSON.parse(body)).toEqual({
      agentId: 'agt_demo',
      toolName: 'web_search',
      toolInputSummary: 'AI safety papers',
    })
  })
})
