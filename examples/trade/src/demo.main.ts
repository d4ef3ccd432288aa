/**
 * `npm run demo:trade`: a whole trade between two agents over A2A, against a running stack
 * (`npm start` in another terminal).
 *
 *   TESSERA_URL      the gateway (default http://localhost:8080)
 *   TESSERA_API_KEY  an admin key of the org (default: .tessera/demo.json, written by npm start)
 *   SELLER_PORT      the seller's A2A port (default: any free port)
 */
import { runDemo } from './demo.ts'
import { apiKey, intFrom, tesseraUrl } from './env.ts'

try {
  await runDemo({
    tesseraUrl: tesseraUrl(process.env),
    apiKey: apiKey(process.env),
    sellerPort: intFrom(process.env, 'SELLER_PORT', 0),
    out: (line) => process.stdout.write(`${line}\n`),
  })
} catch (err) {
  process.stderr.write(`demo:trade failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
}
