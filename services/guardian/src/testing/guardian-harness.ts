import { type InProcessService, startInProcess } from '@tessera/testing'
import { guardian } from '../service.ts'

export type Json = Record<string, unknown>

/** Guardian in-process with a bootstrap token; `replicas` > 1 runs that many on one schema. */
export type GuardianHarness = InProcessService
export const GuardianHarness = {
  start: (
    bootstrapToken: string,
    replicas = 1,
    env: Record<string, string> = {},
  ): Promise<InProcessService> =>
    startInProcess(guardian, {
      env: { TESSERA_BOOTSTRAP_TOKEN: bootstrapToken, ...env },
      replicas,
    }),
}

/** One JSON call to `url`, with `key` as the bearer token when there is one. */
export async function callJson(
  url: string,
  method: string,
  path: string,
  key?: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Json }
}
