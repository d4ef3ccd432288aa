import { z } from 'zod'

const KEY_ENTRY = /^([A-Za-z0-9._-]{1,64}):([0-9a-f]{64})$/

/** One configured checkpoint key: `<keyId>:<64 hex digits of the Ed25519 seed>`. */
export interface ConfiguredRoomKey {
  keyId: string
  secretKeyHex: string
}

/** `id1:seed1,id2:seed2`: the first signs, the others are retired (still published). */
export const RoomSigningKeys = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const keys: ConfiguredRoomKey[] = []
    for (const part of text.split(/[,\s]+/).filter(Boolean)) {
      const m = KEY_ENTRY.exec(part)
      if (!m) {
        // never echo the secret back into a log
        ctx.addIssue({ code: 'custom', message: 'each key must be <keyId>:<64 lowercase hex>' })
        return z.NEVER
      }
      keys.push({ keyId: m[1]!, secretKeyHex: m[2]! })
    }
    if (new Set(keys.map((k) => k.keyId)).size !== keys.length) {
      ctx.addIssue({ code: 'custom', message: 'key ids must be unique' })
    }
    return keys
  })

/** The room ledger's settings, part of pacts' env. */
export const RoomsEnv = {
  /** A checkpoint is signed every this many entries of a room (and when its pact closes). */
  PACTS_ROOM_CHECKPOINT_EVERY: z.coerce.number().int().min(1).max(100_000).default(100),
  /**
   * The checkpoint keys, `<keyId>:<hex seed>[,…]`, the first active. Unset (and no file): a key
   * is generated at first start and kept in pacts' schema for every replica (development).
   */
  PACTS_SIGNING_KEYS: RoomSigningKeys.optional(),
  /** A file holding the same as `PACTS_SIGNING_KEYS` (a mounted secret); that wins if both. */
  PACTS_SIGNING_KEYS_FILE: z.string().min(1).optional(),
}
