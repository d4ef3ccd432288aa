export {
  ARBITRATION_FEE_PERCENT,
  RELEASE_FEE_PER_MILLE,
  type Split,
  basisPoints,
  mutualSplit,
  releaseSplit,
  verdictSplit,
} from './split.ts'
export {
  type CompletionDocument,
  type CompletionInput,
  completionDocument,
} from './completion-document.ts'
