import { SERVICE_NAMES, type ServiceName } from '@tessera/infra-topology'

export type ServiceStatus =
  | { status: 'ready'; httpStatus: number }
  | { status: 'not_ready'; httpStatus: number }
  | { status: 'unreachable'; error: string }

export interface StackReadiness {
  status: 'ready' | 'not_ready'
  services: Record<ServiceName, ServiceStatus & { url: string }>
}

/**
 * Asks every service's `/health/ready` at once. The stack is ready only when each one
 * answers 200 within `timeoutMs`; a slow service counts as unreachable, not as ready.
 */
export async function checkStack(
  serviceUrls: Readonly<Record<ServiceName, string>>,
  timeoutMs: number,
): Promise<StackReadiness> {
  const entries = await Promise.all(
    SERVICE_NAMES.map(async (service) => {
      const url = serviceUrls[service]
      return [service, { url, ...(await checkService(url, timeoutMs)) }] as const
    }),
  )
  const services = Object.fromEntries(entries) as StackReadiness['services']
  const ready = entries.every(([, s]) => s.status === 'ready')
  return { status: ready ? 'ready' : 'not_ready', services }
}

async function checkService(origin: string, timeoutMs: number): Promise<ServiceStatus> {
  try {
    const res = await fetch(`${origin}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) })
    await res.body?.cancel()
    return res.status === 200
      ? { status: 'ready', httpStatus: res.status }
      : { status: 'not_ready', httpStatus: res.status }
  } catch (err) {
    return { status: 'unreachable', error: describe(err) }
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  if (err.name === 'TimeoutError') return 'no answer in time'
  const cause = err.cause
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code
  return err.message
}
