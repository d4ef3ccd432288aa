// `npm run rebuild -- <service> [projection]`: replays a service's read model from position 0.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { SERVICE_NAMES } from '@tessera/infra-topology'

const [service, ...rest] = process.argv.slice(2)
const entry = `services/${service ?? ''}/src/rebuild.ts`
if (!service || !existsSync(entry)) {
  process.stderr.write(`usage: npm run rebuild -- <${SERVICE_NAMES.join('|')}> [projection]\n`)
  process.exit(2)
}
const run = spawnSync(process.execPath, ['--import', 'tsx', entry, ...rest], { stdio: 'inherit' })
process.exit(run.status ?? 1)
