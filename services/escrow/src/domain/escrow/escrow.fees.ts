/**
 * Every fee's rounding rule (docs/escrow.md). The rules live in @tessera/settlement, so jury's
 * audit record shows the very split escrow settles (one function, not two copies).
 */
export {
  ARBITRATION_FEE_PERCENT,
  RELEASE_FEE_PER_MILLE,
  type Split,
  mutualSplit,
  releaseSplit,
  verdictSplit,
} from '@tessera/settlement'
