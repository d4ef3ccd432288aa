import { DEV_BOOTSTRAP_TOKEN } from './services.ts'
import type { ProcessSpec } from './services.ts'
import type { DemoOrgResult } from './demo-org.ts'

/**
 * What a person needs once everything is up: where things are, the demo org's key, its agent's
 * id, Arden handle and private key, and a few tries.
 */
export function banner(
  processes: readonly ProcessSpec[],
  demo: DemoOrgResult,
  bootstrapToken: string,
  demoFile: string,
): string {
  const gateway = processes.find((p) => p.name === 'gateway')
  const base = gateway?.url ?? 'http://127.0.0.1:8080'
  // the dev default is no secret; a real token stays in the environment, not on screen
  const token =
    bootstrapToken === DEV_BOOTSTRAP_TOKEN ? DEV_BOOTSTRAP_TOKEN : '$TESSERA_BOOTSTRAP_TOKEN'
  const { org, agent } = demo
  const saved = (reused: boolean) =>
    reused ? `reused from ${demoFile}` : `created, saved in ${demoFile}`
  const rule = '='.repeat(72)
  return [
    rule,
    'Tessera is running.',
    '',
    `  gateway    ${base}   <- every public API`,
    ...processes.filter((p) => p.name !== 'gateway').map((p) => `  ${p.name.padEnd(10)} ${p.url}`),
    '',
    `  demo org   ${org.orgId} (${org.name}), ${saved(demo.reused)}`,
    `  API key    ${org.apiKey}   (key id ${org.keyId})`,
    `  demo agent ${agent.agentId} (${agent.name}), ${saved(demo.agentReused)}`,
    `  handle     ${agent.handle}   (Arden; ${agent.did})`,
    `  agent key  ${agent.privateKey}   (Ed25519 private key, base64url: the JWK's d)`,
    ...(demo.profileVisible
      ? []
      : ["  (scoring has not shown this org's trust profile yet; try again in a moment)"]),
    `  logs       .tessera/logs/<service>.log`,
    '',
    'Try:',
    `  curl -s ${base}/api/v1/trust/orgs/${org.orgId}`,
    `  curl -s ${base}/v1/agents/${agent.agentId} -H "Authorization: Bearer ${org.apiKey}"`,
    `  curl -s -X POST ${base}/api/events -H "Authorization: Bearer ${org.apiKey}" -H 'Content-Type: application/json' -d '{"agent":"${agent.handle}","bid":1000,"time":${Date.now()},"data":{"task":"review"}}'`,
    `  curl -s -X POST ${base}/v1/actions/check -H "Authorization: Bearer ${org.apiKey}" -H 'Content-Type: application/json' -d '{"agentId":"${agent.agentId}","toolName":"web_search","toolInputSummary":"AI safety papers"}'`,
    `  curl -s ${base}/v1/agents/${agent.agentId}/telemetry -H "Authorization: Bearer ${org.apiKey}"`,
    `  TESSERA_URL=${base} TESSERA_API_KEY=${org.apiKey} npm run -s tessera -- events send --agent ${agent.handle} --data task=review`,
    `  curl -s -X POST ${base}/v1/orgs -H "Authorization: Bearer ${token}" -H 'Content-Type: application/json' -d '{"name":"Another Org"}'`,
    '',
    'Press Ctrl-C to stop.',
    rule,
  ].join('\n')
}
