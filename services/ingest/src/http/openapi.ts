import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { z } from 'zod'
import {
  ARDEN_ERROR_CODES,
  ARDEN_MAX_BATCH,
  ArdenResponse,
  TelemetryBatchRequest,
  TelemetryBatchResponse,
  TelemetryEvent,
  TelemetryPage,
  TelemetryRecord,
} from '@tessera/contracts'

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') =>
  z.toJSONSchema(s, { io, unrepresentable: 'any' })
const ErrorBody = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    details: { type: 'object' },
  },
  required: ['code', 'message', 'details'],
}
const json = (s: object) => ({ 'application/json': { schema: s } })
const error = (description: string) => ({ description, content: json(ErrorBody) })
const bearer = [{ apiKey: [] }]
const pageParams = [
  {
    name: 'limit',
    in: 'query',
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
  { name: 'cursor', in: 'query', schema: { type: 'string' } },
]

/**
 * The Arden event, written out for readers: the rules themselves live in
 * `validateArdenEvent` (contracts), which orders the published error codes.
 */
const ArdenEvent = {
  type: 'object',
  required: ['agent', 'time', 'data'],
  properties: {
    agent: { type: 'string', pattern: '^(?:[aAsS]-)?[0-9a-fA-F]{1,8}$', example: 'A-1234abcd' },
    bid: { type: 'integer', minimum: 0, default: 0, description: 'micro-cents (1000 = $0.01)' },
    time: { type: 'integer', minimum: 0, description: 'epoch milliseconds, UTC; future accepted' },
    data: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
          description: 'flat, ≤ 1 KB as JSON',
        },
        { type: 'string', contentEncoding: 'base64', description: 'decodes to ≤ 1 KB' },
      ],
    },
    user: {
      type: 'string',
      pattern: '^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$',
      description: 'ULID; filled from the key',
    },
    mult: { type: 'integer' },
  },
}

/** Ingest's OpenAPI 3.1 document, from the same zod schemas the endpoints validate with. */
export function ingestOpenApi() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera ingest',
      version: '1.0.0',
      description: 'Telemetry intake and queries.',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'tsk_live_… API key' },
      },
    },
    paths: {
      '/api/events': {
        post: {
          summary: `Arden v1: one event or 1–${ARDEN_MAX_BATCH}; per-event codes ${ARDEN_ERROR_CODES.join(', ')}`,
          security: [{}, ...bearer],
          requestBody: {
            required: true,
            content: json({
              oneOf: [
                ArdenEvent,
                { type: 'array', items: ArdenEvent, minItems: 1, maxItems: ARDEN_MAX_BATCH },
              ],
            }),
          },
          responses: {
            200: { description: 'all accepted', content: json(schema(ArdenResponse)) },
            207: { description: 'some accepted', content: json(schema(ArdenResponse)) },
            400: {
              description: 'none accepted (same body), or a malformed body',
              content: json(schema(ArdenResponse)),
            },
            413: error(`more than ${ARDEN_MAX_BATCH} events, or a body over 1 MiB`),
            415: error('not application/json'),
            429: error('rate limited; see Retry-After'),
          },
        },
      },
      '/v1/telemetry/batch': {
        post: {
          summary: 'Sessions, tool calls and responses; idempotent by batchId',
          security: bearer,
          requestBody: {
            required: true,
            content: json({
              ...schema(TelemetryBatchRequest, 'input'),
              properties: {
                batchId: { type: 'string' },
                events: { type: 'array', items: schema(TelemetryEvent, 'input') },
              },
            }),
          },
          responses: {
            200: {
              description: 'all accepted (or a replay: Idempotent-Replayed: true)',
              content: json(schema(TelemetryBatchResponse)),
            },
            207: { description: 'some accepted', content: json(schema(TelemetryBatchResponse)) },
            400: {
              description: 'none accepted, or VALIDATION_ERROR',
              content: json(schema(TelemetryBatchResponse)),
            },
            401: error('AUTH_FAILED'),
            409: error('BATCH_CONFLICT: the batch id was used with other events'),
            429: error('rate limited; see Retry-After'),
          },
        },
      },
      '/v1/telemetry/sessions/{sessionId}': {
        get: {
          summary: "A session's events in acceptance order",
          security: bearer,
          parameters: [
            { name: 'sessionId', in: 'path', required: true, schema: { type: 'string' } },
            ...pageParams,
          ],
          responses: {
            200: { description: 'a page', content: json(schema(TelemetryPage)) },
            404: error('NOT_FOUND'),
          },
        },
      },
      '/v1/agents/{agentId}/telemetry': {
        get: {
          summary: "An agent's events by occurrence time",
          security: bearer,
          parameters: [
            { name: 'agentId', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
            {
              name: 'type',
              in: 'query',
              schema: { type: 'string', enum: TelemetryRecord.shape.type.options },
            },
            ...pageParams,
          ],
          responses: {
            200: { description: 'a page', content: json(schema(TelemetryPage)) },
            404: error('NOT_FOUND'),
          },
        },
      },
      '/v1/telemetry/redaction': {
        get: {
          summary: "The org's redaction policy",
          security: bearer,
          responses: { 200: { description: 'the policy' } },
        },
        put: {
          summary: 'Replace the redaction policy: param keys to drop or hash before storage',
          security: bearer,
          requestBody: {
            content: json({
              type: 'object',
              properties: {
                dropKeys: { type: 'array', items: { type: 'string' } },
                hashKeys: { type: 'array', items: { type: 'string' } },
              },
            }),
          },
          responses: { 200: { description: 'the new policy' }, 400: error('VALIDATION_ERROR') },
        },
      },
    },
  }
}

/** Serves the document at `/openapi.json` and Swagger UI at `/docs`. */
export async function registerOpenApi(app: FastifyInstance) {
  const document = ingestOpenApi()
  await app.register(swagger, { mode: 'static', specification: { document: document as never } })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, () => document)
}
