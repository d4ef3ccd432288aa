import { runMigrateCli } from '@tessera/service-kit'
import { guardian } from './service.ts'

await runMigrateCli(guardian)
