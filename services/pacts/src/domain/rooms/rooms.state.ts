import { RoomOpened, eventParser } from '@tessera/contracts'

export type RoomsEvent = { type: 'RoomOpened'; data: RoomOpened }
export const parseRoomsEvent = eventParser('a room', { RoomOpened })

/** An org's rooms, folded from stream `rooms-<orgId>`: room name → room id. */
export interface RoomsState {
  rooms: ReadonlyMap<string, string>
}

export const initialState = (): RoomsState => ({ rooms: new Map() })

export function evolve(state: RoomsState, event: RoomsEvent): RoomsState {
  switch (event.type) {
    case 'RoomOpened':
      return { rooms: new Map([...state.rooms, [event.data.name, event.data.roomId]]) }
  }
}
