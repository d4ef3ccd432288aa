import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { activeTraceparent } from './event-log.ts'

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
})
afterAll(() => {
  propagation.disable()
  context.disable()
})

describe('activeTraceparent', () => {
  it('is null outside a span and the active span context inside one', async () => {
    expect(activeTraceparent()).toBeNull()
    const span = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    }
    const inside = await context.with(trace.setSpanContext(context.active(), span), async () => {
      await Promise.resolve()
      return activeTraceparent()
    })
    expect(inside).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')
  })
})
