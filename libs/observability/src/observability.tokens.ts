/** Injection token for the service's pino `Logger`, provided by ObservabilityModule. */
export const PINO_LOGGER = Symbol('PINO_LOGGER')

/** Internal: the resolved options of ObservabilityModule.forRoot. */
export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS')
