export { freshBus } from './bus.ts'
export type { TestBus } from './bus.ts'
export { spec } from './decider-spec.ts'
export { metadataFor } from './fixtures.ts'
export { killGroupOnExit } from './child-process.ts'
export { TRANSFER_BINDINGS } from './param-bindings.ts'
export {
  eventually,
  freshSchema,
  freshStreamPrefix,
  testDatabaseUrl,
  testNatsUrl,
  uniqueTag,
} from './infra.ts'
export type { TestSchema } from './infra.ts'
export { InProcessService, startInProcess } from './in-process.ts'
export { expectRebuildEqualsLive, snapshotTables } from './inline-rebuild.ts'
export { expectProvisionedOrgsRebuild } from './org-provisioning.ts'
export {
  ErrorBody,
  FUZZ_REQUEST_BOUND_MS,
  fuzzRuns,
  hostileText,
  loneSurrogate,
  replayFuzzSeed,
} from './hostile.ts'
export { describeRoleMatrix, rolesDocRows, seedApiKey, seedRoleKeys } from './role-matrix.ts'
export type { RoleKeys, RoleMatrixRow } from './role-matrix.ts'
