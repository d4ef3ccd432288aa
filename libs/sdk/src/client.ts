import { HttpClient, type HttpConfig } from './http.ts'
import { AccountsResource } from './resources/accounts.ts'
import { BondsResource } from './resources/bonds.ts'
import { EscrowResource } from './resources/escrow.ts'
import { ActionsResource } from './resources/actions.ts'
import { AgentCardsResource } from './resources/agent-cards.ts'
import { AgentsResource } from './resources/agents.ts'
import { DelegationsResource } from './resources/delegations.ts'
import { DisputesResource } from './resources/disputes.ts'
import { ApprovalsResource } from './resources/approvals.ts'
import { GuardPolicyResource } from './resources/guard-policy.ts'
import { RoomsResource } from './resources/rooms.ts'
import { PactsResource } from './resources/pacts.ts'
import { SessionsResource } from './resources/sessions.ts'
import { TokensResource } from './resources/tokens.ts'
import { TrustResource } from './resources/trust.ts'

export interface TesseraClientOptions {
  /** Where guardian (or the gateway in front of it) listens, e.g. `http://localhost:8080`. */
  baseUrl: string
  /** The org's API key, sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string
  /** One request, body included; a slower one is a `NetworkError`. Default 10 000. */
  timeoutMs?: number
  /** Default: the global `fetch`. Injectable for tests, proxies or other runtimes. */
  fetch?: typeof fetch
}

/** Everything but the two settings `fromEnv` reads. */
export type TesseraClientEnvOptions = Omit<TesseraClientOptions, 'baseUrl' | 'apiKey'>

const DEFAULT_TIMEOUT_MS = 10_000

// Kept off the instance so the key is not one property away from every log line that prints
// a client; the guard reads it to send telemetry with the same key and URL.
/** A client's connection: always with a key (`trustOracle` is the keyless one). */
type KeyedConfig = HttpConfig & { apiKey: string }

const connections = new WeakMap<TesseraClient, KeyedConfig>()

/** @internal The URL and key a client was made with. */
export function connectionOf(client: TesseraClient): KeyedConfig {
  const config = connections.get(client)
  if (!config) throw new TypeError('@tessera/sdk: not a TesseraClient')
  return config
}

/**
 * The client for Tessera's guardian. Each resource is a property built on one shared
 * `HttpClient`, so adding one (actions, sessions, approvals, …) is a file under `resources/`
 * and a line here.
 */
export class TesseraClient {
  readonly agents: AgentsResource
  readonly tokens: TokensResource
  readonly delegations: DelegationsResource
  readonly actions: ActionsResource
  readonly sessions: SessionsResource
  readonly approvals: ApprovalsResource
  readonly guardPolicy: GuardPolicyResource
  readonly agentCards: AgentCardsResource
  readonly rooms: RoomsResource
  readonly pacts: PactsResource
  readonly accounts: AccountsResource
  readonly bonds: BondsResource
  readonly disputes: DisputesResource
  readonly escrow: EscrowResource
  readonly trust: TrustResource

  constructor(options: TesseraClientOptions) {
    const config = resolve(options)
    connections.set(this, config)
    const http = new HttpClient(config)
    this.agents = new AgentsResource(http)
    this.tokens = new TokensResource(http)
    this.delegations = new DelegationsResource(http)
    this.actions = new ActionsResource(http)
    this.sessions = new SessionsResource(http)
    this.approvals = new ApprovalsResource(http)
    this.guardPolicy = new GuardPolicyResource(http)
    this.agentCards = new AgentCardsResource(http)
    this.rooms = new RoomsResource(http)
    this.pacts = new PactsResource(http)
    this.accounts = new AccountsResource(http)
    this.bonds = new BondsResource(http)
    this.disputes = new DisputesResource(http)
    this.escrow = new EscrowResource(http)
    this.trust = new TrustResource(http)
  }

  /**
   * A client configured by `TESSERA_URL` and `TESSERA_API_KEY`. Throws, naming every missing
   * variable, rather than let the first call fail with a confusing 401 or bad URL.
   */
  static fromEnv(
    options: TesseraClientEnvOptions = {},
    env: Record<string, string | undefined> = typeof process === 'undefined' ? {} : process.env,
  ): TesseraClient {
    const baseUrl = env['TESSERA_URL']?.trim() ?? ''
    const apiKey = env['TESSERA_API_KEY']?.trim() ?? ''
    const missing = [
      ...(baseUrl === '' ? ['TESSERA_URL'] : []),
      ...(apiKey === '' ? ['TESSERA_API_KEY'] : []),
    ]
    if (missing.length > 0) {
      throw new TypeError(
        `@tessera/sdk: ${missing.join(' and ')} must be set in the environment ` +
          `(e.g. TESSERA_URL=http://localhost:8080, TESSERA_API_KEY=<your org's API key>)`,
      )
    }
    return new TesseraClient({ ...options, baseUrl, apiKey })
  }
}

/** The options of {@link trustOracle}: where Tessera listens, and no key. */
export type TrustOracleOptions = Omit<TesseraClientOptions, 'apiKey'>

/**
 * The trust oracle with no API key, for a counterparty that holds none (the trust routes are
 * public by design): `trustOracle({ baseUrl }).get(did)`, `.explain(id)`, `.evaluate(id, …)`,
 * as `client.trust` does. It sends no `Authorization` header.
 */
export function trustOracle(options: TrustOracleOptions): TrustResource {
  return new TrustResource(new HttpClient({ ...resolveConnection(options), apiKey: null }))
}

/** Validates the options up front: a typo should fail here, not on the first request. */
function resolve(options: TesseraClientOptions): KeyedConfig {
  if (typeof options?.apiKey !== 'string' || options.apiKey.trim() === '') {
    throw new TypeError('@tessera/sdk: apiKey is required')
  }
  return { ...resolveConnection(options), apiKey: options.apiKey }
}

function resolveConnection(options: TrustOracleOptions) {
  if (typeof options?.baseUrl !== 'string' || !URL.canParse(options.baseUrl)) {
    throw new TypeError(
      `@tessera/sdk: baseUrl must be an absolute URL, got ${String(options.baseUrl)}`,
    )
  }
  const url = new URL(options.baseUrl)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`@tessera/sdk: baseUrl must be http(s), got ${url.protocol}`)
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new TypeError(`@tessera/sdk: timeoutMs must be a positive integer, got ${timeoutMs}`)
  }
  if (options.fetch === undefined && typeof globalThis.fetch !== 'function') {
    throw new TypeError('@tessera/sdk: no global fetch; pass options.fetch')
  }
  return {
    // a path prefix is kept (guardian behind `/api`), only trailing slashes go
    baseUrl: `${url.origin}${url.pathname}`.replace(/\/+$/, ''),
    timeoutMs,
    // called through globalThis: browsers reject a fetch invoked with another `this`
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  }
}
