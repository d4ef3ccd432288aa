import { runRebuildCli } from '@tessera/service-kit'
import { scoring } from './service.ts'

await runRebuildCli(scoring, process.argv.slice(2))
