import { runMigrateCli } from '@tessera/service-kit'
import { escrow } from './service.ts'

await runMigrateCli(escrow)
