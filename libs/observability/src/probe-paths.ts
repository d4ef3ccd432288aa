const PROBE_PATHS = new Set(['/health/live', '/health/ready', '/metrics'])

/** Kubernetes probes and Prometheus scrapes: frequent, uninteresting, never traced. */
export function isProbePath(url: string | undefined): boolean {
  if (url === undefined) return false
  const q = url.indexOf('?')
  return PROBE_PATHS.has(q === -1 ? url : url.slice(0, q))
}
