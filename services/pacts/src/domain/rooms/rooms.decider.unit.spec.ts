import { describe, it } from 'vitest'
import { spec } from '@tessera/testing'
import { type RoomsCommand, roomsDecider } from './rooms.decider.ts'
import type { RoomsEvent } from './rooms.state.ts'

const orgId = 'org_0123456789abcdefghjkmnpqrs'
const provision: RoomsCommand = {
  type: 'ProvisionOrg',
  orgId,
  roomId: 'room_0123456789abcdefghjkmnpqrs',
}
const opened: RoomsEvent = {
  type: 'RoomOpened',
  data: { roomId: 'room_0123456789abcdefghjkmnpqrs', orgId, name: 'default' },
}

describe('rooms decider', () => {
  it('opens a default room for a new org, with the id it was given', () => {
    spec(roomsDecider).given([]).when(provision).then([opened])
  })
  it('opens no second default room when the org is provisioned again with a fresh id', () => {
    const retry: RoomsCommand = { ...provision, roomId: 'room_zzzzzzzzzzzzzzzzzzzzzzzzzz' }
    spec(roomsDecider).given([opened]).when(retry).then([])
  })
  it('still opens the default room when the org has only other rooms', () => {
    const other: RoomsEvent = {
      type: 'RoomOpened',
      data: { roomId: 'room_other', orgId, name: 'research' },
    }
    spec(roomsDecider).given([other]).when(provision).then([opened])
  })
})
