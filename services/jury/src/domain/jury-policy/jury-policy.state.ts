import { JuryPolicySet, eventParser } from '@tessera/contracts'

export type JuryPolicyEvent = { type: 'JuryPolicySet'; data: JuryPolicySet }
export const parseJuryPolicyEvent = eventParser('a jury policy', { JuryPolicySet })

/** One org's jury policy, folded from stream `jury-policy-<orgId>`. */
export interface JuryPolicyState {
  provisioned: boolean
  judges: number
  trimmedPerSide: number
}

export const initialState = (): JuryPolicyState => ({
  provisioned: false,
  judges: 0,
  trimmedPerSide: 0,
})

export function evolve(state: JuryPolicyState, event: JuryPolicyEvent): JuryPolicyState {
  switch (event.type) {
    case 'JuryPolicySet':
      return {
        provisioned: true,
        judges: event.data.judges,
        trimmedPerSide: event.data.trimmedPerSide,
      }
  }
}
