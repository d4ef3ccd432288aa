import { TesseraError } from '@tessera/sdk'

/**
 * Calls again while Tessera's refusal is `retryable`: what one service learns over the bus (a
 * pact escrow has not seen yet, a new agent's wallet, a new org's key) is there a moment later.
 */

/** A new agent's wallet, or a new org's key, not yet known to escrow. */
export const notYetKnown = (err: TesseraError) => err.code === 'NOT_FOUND' || err.status === 401
export async function retryWhile<T>(
  retryable: (err: TesseraError) => boolean,
  call: () => Promise<T>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    try {
      return await call()
    } catch (err) {
      if (!(err instanceof TesseraError) || !retryable(err) || Date.now() > deadline) throw err
      await new Promise((r) => setTimeout(r, wait))
    }
  }
}
