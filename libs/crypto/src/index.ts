export { agentCardPayload } from './agent-card-payload.ts'
export { deliverableHash, settlementHash, signCompletion, signSettlement } from './completion.ts'
export { canonicalJson, contentHash } from './canonical-json.ts'
export { didKeyOf, publicKeyOfDidKey } from './did-key.ts'
export { ed25519PublicKeyOf, generateEd25519KeyPair, signHash, verifyHash } from './ed25519.ts'
export { signDetachedJws, verifyDetachedJws } from './jws.ts'
export { pactHash, signPact, verifyPactSignature } from './pact-hash.ts'
export { sha256Hex } from './sha256.ts'

export type { Ed25519KeyPair } from './ed25519.ts'
export type { DetachedJws, JwsVerifyKey } from './jws.ts'
export {
  ROOM_GENESIS_HASH,
  roomCheckpointHash,
  roomEntryHash,
  signRoomCheckpoint,
  verifyRoom,
} from './room-chain.ts'
export type {
  RoomChainCheckpoint,
  RoomChainEntry,
  RoomKeySet,
  RoomProblem,
  RoomProblemCode,
  RoomToVerify,
  RoomVerification,
} from './room-chain.ts'
