import { runRebuildCli } from '@tessera/service-kit'
import { guardian } from './service.ts'

await runRebuildCli(guardian, process.argv.slice(2))
