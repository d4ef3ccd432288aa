/**
 * Room ledger verification (issue 11): `verifyRoom` over a room of N generated entries (100k by
 * default) with a signed checkpoint every `--every` entries, in-process, as `tessera rooms
 * verify --file` runs it. Beside it, in the same run: chaining the entries as pacts' projection
 * does (JCS + SHA-256 each), the baseline of SHA-256 over `JSON.stringify` of the same entries
 * (what skipping RFC 8785 would cost), and parsing the room as an export file. One JSON
 * document goes to stdout; progress to stderr. No database, no network.
 *
 *   npx tsx bench/rooms.bench.ts [--entries N] [--every N] [--runs N] [--help]
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import {
  generateEd25519KeyPair,
  sha256Hex,
  signRoomCheckpoint,
  verifyRoom,
  type RoomChainCheckpoint,
  type RoomChainEntry,
} from '@tessera/crypto'
// pacts' pure chaining, the code its projection runs; the service's entry point starts it
// eslint-disable-next-line no-restricted-imports -- see above
import { EMPTY_ROOM, chainEntry } from '@tessera/pacts-service/src/domain/rooms/room-ledger.ts'
import { parseOptions, progress, round } from './src/cli.ts'

const OPTIONS = {
  entries: { env: 'BENCH_ROOM_ENTRIES', def: 100_000, help: 'entries in the room' },
  every: { env: 'BENCH_ROOM_EVERY', def: 100, help: 'a checkpoint every this many entries' },
  runs: { env: 'BENCH_ROOM_RUNS', def: 3, help: 'timed verifyRoom runs (the median is kept)' },
} as const

const o = parseOptions('bench/rooms.bench.ts', OPTIONS, process.argv.slice(2))
const roomId = 'pact_0123456789abcdefghjkmnpqrs'
const types = ['ParamBindingViolated', 'ExecutionFailureReported', 'EscrowLocked']

/** A realistic entry body: a violation-sized payload (~400 bytes of JSON). */
function sourceOf(i: number) {
  return {
    pactId: roomId,
    eventId: `0190a0b0-0000-7000-8000-${String(i).padStart(12, '0')}`,
    context: i % 3 === 2 ? 'escrow' : 'pacts',
    type: types[i % 3]!,
    data: {
      pactId: roomId,
      agentId: 'agt_0123456789abcdefghjkmnpqrs',
      tool: 'transfer_funds',
      rule: 'param_binding:amount-cap',
      paramsDigest: sha256Hex(String(i)),
      telemetryEventId: `01J${String(i).padStart(23, '0')}`,
      detectedAt: new Date(Date.UTC(2026, 11, 6) + i * 1000).toISOString(),
      amount: String(500_000_000 + i),
    },
    occurredAt: new Date(Date.UTC(2026, 11, 6) + i * 1000).toISOString(),
  }
}

const timed = <T>(fn: () => T): { value: T; ms: number } => {
  const t0 = performance.now()
  const value = fn()
  return { value, ms: performance.now() - t0 }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

progress(`chaining ${o.entries} entries`)
const sources = Array.from({ length: o.entries }, (_, i) => sourceOf(i + 1))
const chained = timed(() => {
  const entries: RoomChainEntry[] = []
  let head = EMPTY_ROOM
  for (const s of sources) {
    const e = chainEntry(head, s)
    entries.push(e)
    head = { entryCount: e.seq, headHash: e.entryHash }
  }
  return entries
})
const entries = chained.value

progress('signing checkpoints')
const key = generateEd25519KeyPair()
const publicKey = Buffer.from(key.publicKey).toString('hex')
const signed = timed(() => {
  const cps: RoomChainCheckpoint[] = []
  for (let n = o.every; n <= entries.length; n += o.every) {
    const body = {
      roomId,
      entryCount: n,
      headHash: entries[n - 1]!.entryHash,
      signedAt: '2026-12-07T00:00:00.000Z',
    }
    cps.push({ ...body, keyId: 'bench', signature: signRoomCheckpoint(body, key.secretKey) })
  }
  return cps
})
const checkpoints = signed.value
const keys = { keys: [{ keyId: 'bench', publicKey, status: 'active' }] }

progress('baseline: SHA-256 of JSON.stringify')
const baseline = timed(() => {
  let x = ''
  for (const e of entries) x = sha256Hex(JSON.stringify(e))
  return x
})

const exportText = JSON.stringify({ roomId, pactId: roomId, entries, checkpoints, keys })
const parsed = timed(() => JSON.parse(exportText) as { entries: RoomChainEntry[] })

const runs: number[] = []
let valid = false
for (let r = 0; r < o.runs; r++) {
  progress(`verifyRoom run ${r + 1}/${o.runs}`)
  const v = timed(() => verifyRoom({ roomId, entries, checkpoints }, keys))
  if (!v.value.valid)
    throw new Error(`the generated room does not verify: ${v.value.problem?.message}`)
  valid = v.value.valid
  runs.push(v.ms)
}
const verifyMs = median(runs)
const rate = (n: number, ms: number) => Math.round(n / (ms / 1000))

process.stdout.write(
  `${JSON.stringify(
    {
      machine: {
        cpus: os.cpus().length,
        node: process.version,
        loadAverage1mAtStart: round(os.loadavg()[0]!, 2),
      },
      parameters: o,
      figures: {
        verifyRoom: {
          entries: entries.length,
          checkpoints: checkpoints.length,
          valid,
          ms: round(verifyMs, 1),
          runsMs: runs.map((ms) => round(ms, 1)),
          entriesPerSecond: rate(entries.length, verifyMs),
        },
        chainEntries: {
          what: "pacts' projection hashing: JCS + SHA-256 per entry",
          ms: round(chained.ms, 1),
          entriesPerSecond: rate(entries.length, chained.ms),
        },
        signCheckpoints: {
          ms: round(signed.ms, 1),
          perSecond: rate(checkpoints.length, signed.ms),
        },
        baselineSha256OfJsonStringify: {
          what: 'SHA-256 of JSON.stringify per entry: no canonical form, no chain, no signature',
          ms: round(baseline.ms, 1),
          entriesPerSecond: rate(entries.length, baseline.ms),
        },
        parseExport: {
          bytes: exportText.length,
          ms: round(parsed.ms, 1),
        },
      },
    },
    null,
    2,
  )}\n`,
)
