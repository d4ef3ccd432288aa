import { runRebuildCli } from '@tessera/service-kit'
import { jury } from './service.ts'

await runRebuildCli(jury, process.argv.slice(2))
