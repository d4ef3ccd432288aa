import { runRebuildCli } from '@tessera/service-kit'
import { ingest } from './service.ts'

await runRebuildCli(ingest, process.argv.slice(2))
