import type { Decider } from '@tessera/contracts'
import {
  type RoomsEvent,
  type RoomsState,
  evolve,
  initialState,
  parseRoomsEvent,
} from './rooms.state.ts'

export const DEFAULT_ROOM_NAME = 'default'

/** Sent once guardian reports a new org: open its default room. The id is minted by the shell. */
export type RoomsCommand = { type: 'ProvisionOrg'; orgId: string; roomId: string }

export function decide(command: RoomsCommand, state: RoomsState): RoomsEvent[] {
  switch (command.type) {
    case 'ProvisionOrg':
      return provisionOrg(command, state)
    default: {
      // `.type`, not the command: TS only narrows a union to never, and this one has one member.
      const _exhaustive: never = command.type
      return _exhaustive
    }
  }
}

function provisionOrg(
  c: Extract<RoomsCommand, { type: 'ProvisionOrg' }>,
  state: RoomsState,
): RoomsEvent[] {
  // A redelivered OrgCreated carries a fresh room id; the org's stream says it already has one.
  if (state.rooms.has(DEFAULT_ROOM_NAME)) return []
  return [
    { type: 'RoomOpened', data: { roomId: c.roomId, orgId: c.orgId, name: DEFAULT_ROOM_NAME } },
  ]
}

export const roomsDecider: Decider<RoomsCommand, RoomsEvent, RoomsState> = {
  decide,
  evolve,
  initialState,
  parse: parseRoomsEvent,
}
/** Rooms get random ids, so the stream that makes provisioning idempotent is keyed by org. */
export const roomsStreamId = (orgId: string) => `rooms-${orgId}`
