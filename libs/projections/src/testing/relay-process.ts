// A relay in its own process, so a test can SIGKILL it mid-stream. Not part of the public API.
import { connectBus, startOutboxRelay } from '@tessera/bus'
import { createDb, type EventStoreTables } from '@tessera/event-store'

const env = (k: string) => {
  const v = process.env[k]
  if (!v) throw new Error(`${k} is required`)
  return v
}
const connectionString = env('RELAY_DATABASE_URL')
const db = createDb<EventStoreTables>({ connectionString, max: 2 })
const nc = await connectBus({ url: env('RELAY_NATS_URL'), name: 'relay-under-test' })
const quiet = { info() {}, warn() {}, error() {} }
await startOutboxRelay({
  db,
  connectionString,
  schema: env('RELAY_SCHEMA'),
  nc,
  context: 'guardian',
  prefix: env('RELAY_PREFIX'),
  batchSize: Number(process.env['RELAY_BATCH'] ?? 50),
  idlePollMs: 100,
  log: quiet,
  onProgress: (n, position) => process.stdout.write(`published ${n} up to ${position}\n`),
})
process.stdout.write('relay ready\n')
