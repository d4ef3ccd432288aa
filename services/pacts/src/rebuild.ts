import { runRebuildCli } from '@tessera/service-kit'
import { pacts } from './service.ts'

await runRebuildCli(pacts, process.argv.slice(2))
