import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api'
import type { Attributes, Context, Span } from '@opentelemetry/api'

const tracer = () => trace.getTracer('@tessera/observability')

/**
 * Writes the active trace context (W3C `traceparent`/`tracestate`) into message headers.
 * Returns the same carrier for chaining.
 */
export function injectTraceContext(
  carrier: Record<string, string>,
  ctx: Context = context.active(),
): Record<string, string> {
  propagation.inject(ctx, carrier)
  return carrier
}

/** Reads a trace context from message headers; pass it as `parent` to `withSpan`. */
export function extractTraceContext(carrier: Readonly<Record<string, string>>): Context {
  return propagation.extract(context.active(), carrier)
}

export interface WithSpanOptions {
  /** Context to parent the span on, e.g. from `extractTraceContext`; default: the active one. */
  parent?: Context
  kind?: SpanKind
  attributes?: Attributes
}

/**
 * Runs `fn` inside a new active span, so logs and nested spans (pg, fetch) join its trace.
 * A throw is recorded on the span, marks it as an error, and is rethrown unchanged.
 */
export async function withSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T> | T,
  opts: WithSpanOptions = {},
): Promise<T> {
  const parent = opts.parent ?? context.active()
  const spanOpts = { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes ?? {} }
  return tracer().startActiveSpan(name, spanOpts, parent, async (span) => {
    try {
      return await fn(span)
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err))
      span.recordException(error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message })
      throw err
    } finally {
      span.end()
    }
  })
}

export { SpanKind }
