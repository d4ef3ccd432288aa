import { runRebuildCli } from '@tessera/service-kit'
import { escrow } from './service.ts'

await runRebuildCli(escrow, process.argv.slice(2))
