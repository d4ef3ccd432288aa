import { RedactionPolicySet, eventParser } from '@tessera/contracts'

export type RedactionEvent = { type: 'RedactionPolicySet'; data: RedactionPolicySet }

/** One org's redaction policy, folded from stream `redaction-<orgId>`. */
export interface RedactionState {
  provisioned: boolean
  dropKeys: string[]
  hashKeys: string[]
}

export const initialState = (): RedactionState => ({
  provisioned: false,
  dropKeys: [],
  hashKeys: [],
})

export function evolve(state: RedactionState, event: RedactionEvent): RedactionState {
  switch (event.type) {
    case 'RedactionPolicySet':
      return { provisioned: true, dropKeys: event.data.dropKeys, hashKeys: event.data.hashKeys }
  }
}

export const parseRedactionEvent = eventParser('a redaction', { RedactionPolicySet })
