import { CliError } from './cli-error.ts'

export interface ServerFlags {
  url?: string
  apiKey?: string
}

export interface Server {
  endpoint: string
  apiKey?: string
}

export const DEFAULT_URL = 'http://localhost:8080'

/** Flags win over the environment; an empty `TESSERA_API_KEY` means no key. */
export function resolveServer(
  flags: ServerFlags,
  env: Readonly<Record<string, string | undefined>>,
  { checkUrl }: { checkUrl: boolean },
): Server {
  const url = flags.url ?? (env['TESSERA_URL'] || DEFAULT_URL)
  const apiKey = flags.apiKey ?? env['TESSERA_API_KEY']
  if (checkUrl) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new CliError(`--url: not a URL: '${url}'`)
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CliError(`--url: expected http:// or https://, got '${url}'`)
    }
  }
  // a base URL with a path (behind a proxy) keeps it: …/tessera + /api/events
  const endpoint = `${url.replace(/\/+$/, '')}/api/events`
  return apiKey ? { endpoint, apiKey } : { endpoint }
}
