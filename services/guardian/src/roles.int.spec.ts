import { describeRoleMatrix } from '@tessera/testing'
import { GuardianHarness, callJson } from './testing/guardian-harness.ts'

const TOKEN = 'roles-int-bootstrap-token'

/**
 * Every guardian route × every role, as docs/roles.md says, with keys guardian itself issued:
 * the org's first (admin) key, and a member and an approver key that admin key issued.
 */
describeRoleMatrix('guardian', async () => {
  const svc = await GuardianHarness.start(TOKEN)
  const org = await callJson(svc.url, 'POST', '/v1/orgs', TOKEN, { name: 'Roles' })
  const admin = String(org.body['apiKey'])
  const issue = async (role: string) =>
    String((await callJson(svc.url, 'POST', '/v1/keys', admin, { role })).body['apiKey'])
  return { svc, keys: { admin, member: await issue('member'), approver: await issue('approver') } }
})
