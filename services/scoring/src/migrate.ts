import { runMigrateCli } from '@tessera/service-kit'
import { scoring } from './service.ts'

await runMigrateCli(scoring)
