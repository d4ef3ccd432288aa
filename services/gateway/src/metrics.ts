/**
 * The gateway's few counters, rendered as Prometheus text. Hand-written because the gateway
 * has no other use for an OpenTelemetry SDK: it only forwards.
 */
export class GatewayMetrics {
  private readonly requests = new Map<string, number>()
  private readonly upstreamErrors = new Map<string, number>()

  /** One proxied request, by the service it went to (`none` when nothing matched). */
  countRequest(service: string, statusCode: number): void {
    const key = `service="${service}",status="${statusCode}"`
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1)
  }

  countUpstreamError(service: string): void {
    const key = `service="${service}"`
    this.upstreamErrors.set(key, (this.upstreamErrors.get(key) ?? 0) + 1)
  }

  render(): string {
    return (
      [
        ...counter(
          'tessera_gateway_requests_total',
          'Requests routed, by service and status.',
          this.requests,
        ),
        ...counter(
          'tessera_gateway_upstream_errors_total',
          'Requests whose service could not be reached.',
          this.upstreamErrors,
        ),
      ].join('\n') + '\n'
    )
  }
}

function counter(name: string, help: string, values: ReadonlyMap<string, number>): string[] {
  return [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} counter`,
    ...[...values].map(([labels, n]) => `${name}{${labels}} ${n}`),
  ]
}
