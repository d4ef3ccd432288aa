export type { Projection } from './projection.ts'
export { runProjection } from './projection-runner.ts'
export type { ProjectionRunnerOptions } from './projection-runner.ts'
export {
  applyBatch,
  projectionMigrations,
  projectionStatus,
} from './projection-store.ts'
export type { Positioned, ProjectionStatus } from './projection-store.ts'
export { rebuildProjection } from './rebuild.ts'
export type { RebuildOptions, RebuildProgress } from './rebuild.ts'
