import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ActionEffect } from '@tessera/contracts'
import { TesseraClient } from '@tessera/sdk'
import { GuardianHarness, callJson } from '../testing/guardian-harness.ts'

const TOKEN = 'approvals-binding-int-bootstrap-token'
let h: GuardianHarness
let a: TesseraClient
let aKey: string
let aKeyId: string

beforeAll(async () => {
  h = await GuardianHarness.start(TOKEN)
  const org = await callJson(h.url, 'POST', '/v1/orgs', TOKEN, { name: 'Binding A' })
  aKey = String(org.body['apiKey'])
  aKeyId = String(org.body['keyId'])
  a = new TesseraClient({ baseUrl: h.url, apiKey: aKey })
})

afterAll(async () => {
  await h?.stop()
})

/** An agent in a supervised session: its destructive calls need a human. */
async function supervised(capabilities: string[]) {
  const agentId = (await a.agents.create({ name: 'binder', framework: 'test', capabilities })).id
  const { sessionId } = await a.sessions.initSession({
    agentId,
    serverId: 'payments',
    mode: 'supervised',
  })
  return { agentId, sessionId }
}

/** What guardian binds an approval to, computed here the way the docs describe it. */
const digestOf = (input: { summary?: string; params?: Record<string, unknown> }) =>
  createHash('sha256')
    .update(canonicalize(input) ?? '')
    .digest('hex')

describe('an approval lets through exactly what was approved', () => {
  it('binds to the canonical capability, effect and a digest of summary and params', async () => {
    const { agentId, sessionId } = await supervised(['transfer:*'])
    const ask = (toolName: string, summary: string, params: Record<string, unknown>) =>
      a.actions.check({ agentId, sessionId, toolName, toolInputSummary: summary, params })

    const first = await ask('transfer_funds', 'pay ACME', { amount: 10, currency: 'EUR' })
    expect(first).toMatchObject({ decision: 'elevation_required', effect: 'destructive' })
    const approvalId = first.approvalId ?? ''
    // a retry with the same input, params in another key order, reuses the pending approval
    expect(
      (await ask('transfer_funds', 'pay ACME', { currency: 'EUR', amount: 10 })).approvalId,
    ).toBe(approvalId)
    expect(await a.approvals.get(approvalId)).toMatchObject({
      capability: 'transfer:funds',
      actionEffect: 'destructive',
      inputDigest: digestOf({ summary: 'pay ACME', params: { amount: 10, currency: 'EUR' } }),
    })
    await a.approvals.approve(approvalId, 'treasurer@company.com')

    // other params or another summary ask for a new elevation, and leave this one unused
    const bigger = await ask('transfer_funds', 'pay ACME', { amount: 10_000, currency: 'EUR' })
    expect(bigger).toMatchObject({ decision: 'elevation_required', allowed: false })
    expect(bigger.approvalId).not.toBe(approvalId)
    const otherPayee = await ask('transfer_funds', 'pay MALLORY', { amount: 10, currency: 'EUR' })
    expect(otherPayee).toMatchObject({ decision: 'elevation_required', allowed: false })
    expect(otherPayee.approvalId).not.toBe(approvalId)
    expect(otherPayee.approvalId).not.toBe(bigger.approvalId)
    const noParams = await a.actions.check({
      agentId,
      sessionId,
      toolName: 'transfer_funds',
      toolInputSummary: 'pay ACME',
    })
    expect(noParams.decision).toBe('elevation_required')
    expect(await a.approvals.get(approvalId)).toMatchObject({ consumedAt: null })

    // another spelling of the same capability, with the same input, is the approved action
    const used = await ask('transferFunds', 'pay ACME', { amount: 10, currency: 'EUR' })
    expect(used).toMatchObject({ decision: 'allow', rule: 'elevation.approved', approvalId })
    expect(await a.approvals.get(approvalId)).toMatchObject({ consumedByCheckId: used.checkId })
  })

  it('digests the whole summary, not the 200 characters guardian keeps', async () => {
    const { agentId, sessionId } = await supervised(['db:*'])
    const head = 'x'.repeat(250)
    const ask = (tail: string) =>
      a.actions.check({ agentId, sessionId, toolName: 'db_delete', toolInputSummary: head + tail })
    const one = await ask('a')
    const same = await ask('a')
    const other = await ask('b')
    expect(same.approvalId).toBe(one.approvalId)
    expect(other.approvalId).not.toBe(one.approvalId)
    const stored = await a.approvals.get(one.approvalId ?? '')
    expect(stored.toolInputSummary).toBe('x'.repeat(200))
    expect(stored.inputDigest).toBe(digestOf({ summary: `${head}a` }))
  })

  it('lets no check use an approval filed before binding existed: it fails closed', async () => {
    const { agentId, sessionId } = await supervised(['db:*'])
    const check = { agentId, sessionId, toolName: 'db_delete', toolInputSummary: 'legacy' }
    const first = await a.actions.check(check)
    const legacyId = first.approvalId ?? ''
    // what the migration leaves on a row filed by the old code
    await sql`update ${sql.id(h.schema)}.approvals set capability = null, input_digest = null
      where approval_id = ${legacyId}`.execute(h.db)
    const legacy = await a.approvals.approve(legacyId, 'admin@company.com')
    expect(legacy).toMatchObject({ status: 'approved', capability: null, inputDigest: null })
    const retry = await a.actions.check(check)
    expect(retry.decision).toBe('elevation_required')
    expect(retry.approvalId).not.toBe(legacyId)
    expect(await a.approvals.get(legacyId)).toMatchObject({ consumedAt: null })
  })

  it('keeps a declared effect from lowering the classified one', async () => {
    const { agentId, sessionId } = await supervised(['db:*', 'web:*'])
    const ask = (toolName: string, actionEffect: ActionEffect) =>
      a.actions.check({ agentId, sessionId, toolName, actionEffect })
    const lowered = await ask('db_drop_table', 'read')
    expect(lowered).toMatchObject({
      decision: 'elevation_required',
      effect: 'destructive',
      effectSource: 'classified',
      confidence: 0.7,
    })
    const raised = await ask('web_search', 'admin')
    expect(raised).toMatchObject({
      decision: 'elevation_required',
      effect: 'admin',
      effectSource: 'declared',
      confidence: 1,
    })
  })
})

describe('approval consumption and the decision log commit together', () => {
  it('leaves the approval unused when the check that would use it cannot be recorded', async () => {
    const { agentId, sessionId } = await supervised(['vault:*'])
    const check = { agentId, sessionId, toolName: 'vault_purge', toolInputSummary: 'old keys' }
    const first = await a.actions.check(check)
    const approvalId = first.approvalId ?? ''
    await a.approvals.approve(approvalId, 'ops@company.com')

    const s = sql.id(h.schema)
    await sql`create function ${s}.refuse_vault_purge() returns trigger language plpgsql as $$
      begin
        if new.tool_name = 'vault_purge' then raise exception 'refused for the test'; end if;
        return new;
      end $$`.execute(h.db)
    await sql`create trigger refuse_vault_purge before insert on ${s}.action_checks
      for each row execute function ${s}.refuse_vault_purge()`.execute(h.db)
    try {
      const failed = await callJson(h.url, 'POST', '/v1/actions/check', aKey, check)
      expect(failed.status).toBe(500)
    } finally {
      await sql`drop trigger refuse_vault_purge on ${s}.action_checks`.execute(h.db)
    }
    expect(await a.approvals.get(approvalId)).toMatchObject({
      status: 'approved',
      consumedAt: null,
      consumedByCheckId: null,
    })
    const { totalCalls } = await a.sessions.getSession(sessionId)

    const used = await a.actions.check(check)
    expect(used).toMatchObject({ decision: 'allow', rule: 'elevation.approved', approvalId })
    expect(await a.approvals.get(approvalId)).toMatchObject({ consumedByCheckId: used.checkId })
    // the row is on record, and the session counted it, as the group commit would have
    expect(await a.actions.getCheck(used.checkId)).toMatchObject({
      decision: 'allow',
      rule: 'elevation.approved',
      approvalId,
      sessionId,
    })
    expect((await a.sessions.getSession(sessionId)).totalCalls).toBe(totalCalls + 1)
  })
})

describe('who decided', () => {
  it('records the deciding key and its user, with decidedBy as an optional note', async () => {
    const { rows } = await sql<{ user_id: string }>`select user_id
      from ${sql.id(h.schema)}.api_keys where key_id = ${aKeyId}`.execute(h.db)
    const userId = rows[0]?.user_id
    expect(userId).toMatch(/^[0-9A-Z]{26}$/)

    const { agentId, sessionId } = await supervised(['db:*'])
    const one = await a.actions.check({ agentId, sessionId, toolName: 'db_delete' })
    const approved = await a.approvals.approve(one.approvalId ?? '')
    expect(approved).toMatchObject({
      status: 'approved',
      decidedBy: null,
      decidedByKey: { keyId: aKeyId, userId },
    })
    const two = await a.actions.check({ agentId, sessionId, toolName: 'db_wipe' })
    const denied = await a.approvals.deny(two.approvalId ?? '', 'on call: bob', 'not now')
    expect(denied).toMatchObject({
      status: 'denied',
      decidedBy: 'on call: bob',
      decidedByKey: { keyId: aKeyId, userId },
      denyReason: 'not now',
    })
    expect(await a.approvals.get(two.approvalId ?? '')).toMatchObject({
      decidedByKey: { keyId: aKeyId, userId },
    })
    // the events carry it, so the log alone tells who decided
    const events = await sql<{ type: string; data: Record<string, unknown> }>`select type, data
      from ${sql.id(h.schema)}.events
      where stream_id in (${`approval-${one.approvalId}`}, ${`approval-${two.approvalId}`})
        and type in ('ApprovalApproved', 'ApprovalDenied') order by position`.execute(h.db)
    expect(events.rows.map((e) => [e.type, e.data['decidedByKey']])).toEqual([
      ['ApprovalApproved', { keyId: aKeyId, userId }],
      ['ApprovalDenied', { keyId: aKeyId, userId }],
    ])
  })
})
