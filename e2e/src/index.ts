export { startInfra } from './infra.ts'
export type { E2eInfra } from './infra.ts'
export { BOOTSTRAP_TOKEN, SERVICES, startStack } from './stack.ts'
export type { RunningStack, ServiceName, StackOptions } from './stack.ts'
