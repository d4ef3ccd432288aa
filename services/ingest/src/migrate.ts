import { runMigrateCli } from '@tessera/service-kit'
import { ingest } from './service.ts'

await runMigrateCli(ingest)
