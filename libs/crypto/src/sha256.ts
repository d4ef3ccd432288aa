import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'

type Hasher = (data: string | Uint8Array) => string

/** noble's pure-JS SHA-256: what runs where there is no Node (a browser using the SDK). */
export const portableSha256Hex: Hasher = (data) =>
  bytesToHex(sha256(typeof data === 'string' ? utf8ToBytes(data) : data))

// Node's OpenSSL hash is about ten times faster on the large batches ingest hashes. Loaded
// through getBuiltinModule, not imported, so that bundling @tessera/crypto for a browser
// never meets `node:crypto`.
const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto')

/** Node's SHA-256 when running on Node, else undefined. */
export const nodeSha256Hex: Hasher | undefined =
  nodeCrypto && ((data) => nodeCrypto.createHash('sha256').update(data).digest('hex'))

/** SHA-256 of `data` (a string is hashed as its UTF-8 bytes), as 64 lowercase hex digits. */
export const sha256Hex: Hasher = nodeSha256Hex ?? portableSha256Hex
