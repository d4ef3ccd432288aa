import { TesseraError } from '@tessera/sdk'

/**
 * Calls again while Tessera answers `code`: what one service learns over the bus (a pact
 * escrow has not seen yet, a wallet opened for a new agent) is there a moment later.
 */
export async function retryWhile<T>(
  code: string,
  call: () => Promise<T>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    try {
      return await call()
    } catch (err) {
      if (!(err instanceof TesseraError) || err.code !== code || Date.now() > deadline) throw err
      await new Promise((r) => setTimeout(r, wait))
    }
  }
}
