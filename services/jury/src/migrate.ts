import { runMigrateCli } from '@tessera/service-kit'
import { jury } from './service.ts'

await runMigrateCli(jury)
