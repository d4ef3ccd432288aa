import { main } from './cli.ts'
import { processIo } from './io.ts'

// exitCode, not exit(): pending stdout/stderr writes are flushed before the process ends
process.exitCode = await main(process.argv.slice(2), processIo())
