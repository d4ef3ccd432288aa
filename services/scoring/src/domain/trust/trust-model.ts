/**
 * The trust model, pure. Every profile records the version that produced it; a change here
 * bumps the version and is followed by `npm run rebuild -- scoring trust-profiles`.
 */
export const MODEL_VERSION = 'v0-baseline'

export interface Reason {
  code: string
  /** Points this reason moved the score by. */
  weight: number
  detail: string
}

export interface Score {
  score: number
  reasons: Reason[]
}

/** With no behaviour observed yet, every subject starts at the neutral midpoint. */
export const NEUTRAL = 500

export interface OrgHistory {
  createdAt: string
}

export function scoreNewOrg(_history: OrgHistory): Score {
  return {
    score: NEUTRAL,
    reasons: [{ code: 'NO_HISTORY', weight: 0, detail: 'no behaviour observed yet; neutral start' }],
  }
}
