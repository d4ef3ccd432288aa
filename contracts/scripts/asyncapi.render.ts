import { Document } from 'yaml'
import { z } from 'zod'
import pkg from '../package.json' with { type: 'json' }
import {
  HEADERS,
  INTAKE_REJECTED,
  INTAKE_SUBJECTS,
  IntakeRejected,
  TelemetryEvent,
  TelemetryRecordsMessage,
  deadLetterSubject,
  streamName,
  subjectOf,
  subjectRoot,
  telemetryRecordsSubject,
} from '../src/index.ts'
import {
  GENERATED_NOTICE,
  envelopeJsonSchema,
  eventKey,
  sortKeys,
  sortedEvents,
} from './event-schema.render.ts'
import type { JsonObject } from './event-schema.render.ts'

const str = (description: string): JsonObject => ({ type: 'string', description })

/** Headers on every event message (set by the outbox relay). */
const EVENT_HEADERS: JsonObject = {
  'Nats-Msg-Id': str('The event id (UUIDv7). JetStream deduplicates re-publishes on it.'),
  [HEADERS.streamId]: str('The stream (aggregate) the event belongs to.'),
  [HEADERS.eventType]: str('The event type, the last token of the subject.'),
  [HEADERS.traceparent]: str('W3C trace context of the command that caused the event.'),
  [HEADERS.tracestate]: str('W3C trace context vendor state.'),
}

/** Headers a dead letter carries in addition to the original message's own. */
const DEAD_LETTER_HEADERS: JsonObject = {
  [HEADERS.error]: str('Why the last delivery failed.'),
  [HEADERS.originalSubject]: str('The subject the message was first published on.'),
  [HEADERS.originalStream]: str('The JetStream stream it was consumed from.'),
  [HEADERS.originalSequence]: str('Its sequence in that stream.'),
  [HEADERS.deliveries]: str('How many deliveries were attempted (max_deliver).'),
}

const headers = (properties: JsonObject): JsonObject => ({ type: 'object', properties })

type Channel = { id: string; address: string; description: string; messageId: string }

function ref(pointer: string): JsonObject {
  return { $ref: pointer }
}

function channel(c: Channel, parameters?: JsonObject): JsonObject {
  return {
    address: c.address,
    description: c.description,
    messages: { [c.messageId]: ref(`#/components/messages/${c.id}`) },
    ...(parameters ? { parameters } : {}),
  }
}

function operation(c: Channel, action: 'send' | 'receive', summary: string): JsonObject {
  return {
    action,
    summary,
    channel: ref(`#/channels/${c.id}`),
    messages: [ref(`#/channels/${c.id}/messages/${c.messageId}`)],
  }
}

/** The AsyncAPI 3.0 description of Tessera's bus, seen from the platform as one application. */
export function buildAsyncApi(): JsonObject {
  const channels: JsonObject = {}
  const operations: JsonObject = {}
  const messages: JsonObject = {}
  const schemas: JsonObject = {}

  for (const def of sortedEvents()) {
    const c: Channel = {
      id: eventKey(def),
      address: subjectOf(def),
      description: def.description,
      messageId: def.type,
    }
    channels[c.id] = channel(c)
    operations[`send.${c.id}`] = operation(
      c,
      'send',
      `Published to the ${streamName(def.context)} stream.`,
    )
    // AsyncAPI's default schema format is a draft-07 superset: the same zod schema as the
    // 2020-12 file in json-schema/, rendered for draft-07.
    const { $schema: _draft, ...schema } = envelopeJsonSchema(def, 'draft-07')
    schemas[c.id] = schema
    messages[c.id] = {
      name: def.type,
      title: c.id,
      summary: def.description,
      traits: [ref('#/components/messageTraits/event')],
      payload: ref(`#/components/schemas/${c.id}`),
      'x-json-schema': `json-schema/${c.id}.json`,
    }
  }

  const intake: Channel = {
    id: 'intake',
    address: `${subjectRoot()}.${INTAKE_SUBJECTS}`,
    description:
      'Raw telemetry users publish straight onto the bus (NATS wildcard). Ingest validates it exactly as it validates HTTP.',
    messageId: 'IntakeTelemetry',
  }
  const rejected: Channel = {
    id: 'intake.rejected',
    address: `${subjectRoot()}.${INTAKE_REJECTED}`,
    description: 'Intake messages ingest rejected, with their error codes.',
    messageId: 'IntakeRejected',
  }
  const deadLetter: Channel = {
    id: 'dlq',
    address: deadLetterSubject('{stream}', '{consumer}'),
    description: `Messages a durable consumer gave up on after max_deliver attempts, with the error. Never dropped silently.`,
    messageId: 'DeadLetter',
  }
  const records: Channel = {
    id: 'telemetry.records',
    address: telemetryRecordsSubject(),
    description:
      'Telemetry ingest committed, 100 records per message; Nats-Msg-Id is <groupId>.<part>, so a catch-up re-publish is a duplicate.',
    messageId: 'TelemetryRecords',
  }
  channels[records.id] = channel(records)
  channels[intake.id] = channel(intake)
  channels[rejected.id] = channel(rejected)
  channels[deadLetter.id] = channel(deadLetter, {
    stream: { description: 'The JetStream stream the message came from (e.g. PACTS).' },
    consumer: { description: 'The durable consumer that gave up on it.' },
  })
  operations['send.telemetry.records'] = operation(
    records,
    'send',
    'Ingest fans out stored telemetry.',
  )
  operations['receive.intake'] = operation(intake, 'receive', 'Ingest consumes raw telemetry.')
  operations['send.intake.rejected'] = operation(rejected, 'send', 'Ingest reports rejects.')
  operations['send.dlq'] = operation(deadLetter, 'send', 'Consumers dead-letter poison messages.')

  const placeholder = (description: string): JsonObject => ({ description })
  const draft07 = (schema: z.ZodType): JsonObject => {
    const { $schema: _draft, ...rest } = z.toJSONSchema(schema, {
      target: 'draft-07',
      io: 'input',
      unrepresentable: 'any',
    })
    return rest as JsonObject
  }
  messages[records.id] = {
    name: records.messageId,
    contentType: 'application/json',
    payload: draft07(TelemetryRecordsMessage),
  }
  messages[intake.id] = {
    name: intake.messageId,
    contentType: 'application/json',
    payload: {
      description:
        'On tessera.intake.arden[.…]: an Arden v1 body (one event or 1–100; see the Arden v1 spec). On tessera.intake.telemetry[.…]: a batch {batchId?, events}, an array of events, or one event.',
      oneOf: [
        { type: 'object', description: 'An Arden v1 event, or an array of them' },
        { type: 'array', description: 'Arden v1 events, or telemetry events' },
        {
          type: 'object',
          properties: {
            batchId: { type: 'string' },
            events: { type: 'array', items: draft07(TelemetryEvent) },
          },
          required: ['events'],
        },
      ],
    },
  }
  messages[rejected.id] = {
    name: rejected.messageId,
    contentType: 'application/json',
    payload: draft07(IntakeRejected),
  }
  messages[deadLetter.id] = {
    name: deadLetter.messageId,
    traits: [ref('#/components/messageTraits/event')],
    headers: headers(DEAD_LETTER_HEADERS),
    payload: placeholder('The original message body, unchanged.'),
  }

  return sortKeys({
    asyncapi: '3.0.0',
    info: {
      title: 'Tessera bus',
      version: pkg.version,
      description: `Every subject on Tessera's NATS JetStream bus. ${GENERATED_NOTICE}`,
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: 'localhost:4222',
        protocol: 'nats',
        description: 'nats-server with JetStream, as started by docker-compose.yml.',
      },
    },
    channels,
    operations,
    components: {
      schemas,
      messages,
      messageTraits: {
        event: { contentType: 'application/json', headers: headers(EVENT_HEADERS) },
      },
    },
  })
}

export function formatYaml(value: JsonObject): string {
  const doc = new Document(value, { aliasDuplicateObjects: false })
  doc.commentBefore = ` ${GENERATED_NOTICE}`
  return doc.toString({ lineWidth: 0 })
}
