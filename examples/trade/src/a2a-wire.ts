import { type Message, type Part, Role } from '@a2a-js/sdk'
import { isRecord } from './trade-messages.ts'

/** One A2A data part holding `value` as JSON. */
export const dataPart = (value: unknown): Part => ({
  content: { $case: 'data', value },
  metadata: undefined,
  filename: '',
  mediaType: 'application/json',
})

/** A message whose one part is `value`, from the user (the buyer) or the agent (the seller). */
export function dataMessage(
  value: unknown,
  role: Role,
  ids: { messageId: string; contextId?: string; taskId?: string },
): Message {
  return {
    messageId: ids.messageId,
    contextId: ids.contextId ?? '',
    taskId: ids.taskId ?? '',
    role,
    parts: [dataPart(value)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  }
}

export const USER = Role.ROLE_USER
export const AGENT = Role.ROLE_AGENT

/** The value of the first data part, or undefined. */
export function firstData(parts: readonly Part[] | undefined): unknown {
  for (const part of parts ?? []) {
    if (part.content?.$case === 'data') return part.content.value as unknown
  }
  return undefined
}

export const isMessage = (value: unknown): value is Message =>
  isRecord(value) && typeof value['messageId'] === 'string' && Array.isArray(value['parts'])
