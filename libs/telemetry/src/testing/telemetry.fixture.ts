import { afterEach, beforeEach } from 'vitest'
import { Telemetry } from '../telemetry.client.ts'
import type { TelemetryOptions } from '../telemetry.options.ts'
import { FakeIngest, memoryLogger } from './fake-ingest.server.ts'

export interface IngestFixture {
  /** A fresh fake ingest for each test. */
  readonly server: FakeIngest
  /** What the test's clients logged. */
  readonly log: ReturnType<typeof memoryLogger>
  /** A client on `server` and `log`, closed after the test; `options` win over the defaults. */
  readonly client: (options?: Partial<TelemetryOptions>) => Telemetry
}

/**
 * Starts a fake ingest and a memory logger before each test of the calling file, and closes
 * them, with every client made through `client`, after it.
 */
export function useFakeIngest(defaults: Partial<TelemetryOptions> = {}): IngestFixture {
  let server: FakeIngest | undefined
  let log: ReturnType<typeof memoryLogger> | undefined
  const clients: Telemetry[] = []

  beforeEach(async () => {
    server = await FakeIngest.start()
    log = memoryLogger()
  })

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
    await server?.close()
  })

  const fixture: IngestFixture = {
    get server() {
      if (!server) throw new Error('useFakeIngest: no test is running')
      return server
    },
    get log() {
      if (!log) throw new Error('useFakeIngest: no test is running')
      return log
    },
    client: (options = {}) => {
      const tel = new Telemetry({
        apiKey: 'tk_test',
        baseUrl: fixture.server.url,
        logger: fixture.log,
        ...defaults,
        ...options,
      })
      clients.push(tel)
      return tel
    },
  }
  return fixture
}
