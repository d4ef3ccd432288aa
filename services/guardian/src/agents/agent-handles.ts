import { randomBytes } from 'node:crypto'

/** A fresh Arden handle: 8 random lowercase hex digits (32 bits). */
export const randomHandle = (): string => randomBytes(4).toString('hex')

/**
 * Runs `attempt` with fresh handles until one is free. `attempt` must do all its writes in one
 * transaction, so a handle found taken (`isTaken`) leaves nothing behind before the next try.
 */
export async function withFreeHandle<T>(
  attempt: (handle: string) => Promise<T>,
  isTaken: (err: unknown) => boolean,
  opts: { next?: () => string; tries?: number } = {},
): Promise<T> {
  const next = opts.next ?? randomHandle
  const tries = opts.tries ?? 5
  for (let i = 1; ; i++) {
    try {
      return await attempt(next())
    } catch (err) {
      if (!isTaken(err) || i >= tries) throw err
    }
  }
}
