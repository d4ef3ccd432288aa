/** Nest injection tokens the kit provides to every service. */
export const DB = Symbol.for('tessera.db')
export const NATS = Symbol.for('tessera.nats')
export const CONFIG = Symbol.for('tessera.config')
export const SERVICE_SCHEMA = Symbol.for('tessera.schema')
export const EVENT_LOG = Symbol.for('tessera.event-log')
export const LOGGER = Symbol.for('tessera.logger')
/** Where `ApiKeyGuard` reads key rows: the kit's `ApiKeyCache`, or a service's own cache. */
export const API_KEY_ROWS = Symbol.for('tessera.api-key-rows')
