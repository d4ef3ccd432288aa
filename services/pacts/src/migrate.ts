import { runMigrateCli } from '@tessera/service-kit'
import { pacts } from './service.ts'

await runMigrateCli(pacts)
