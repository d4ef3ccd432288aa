import type { Command } from 'commander'
import type { RoomExport, TesseraKeySet } from '@tessera/contracts'
import { type RoomKeySet, type RoomVerification, verifyRoom } from '@tessera/crypto'
import { TesseraClient, TesseraError } from '@tessera/sdk'
import { CliError, EXIT } from './cli-error.ts'
import type { ExitCode } from './cli-error.ts'
import type { CliIo } from './io.ts'
import { DEFAULT_URL } from './server-options.ts'
import type { ServerFlags } from './server-options.ts'

interface VerifyFlags extends ServerFlags {
  file?: string
  keys?: string
  json?: boolean
}

const EXAMPLES = `
Examples:
  $ tessera rooms export pact_… > room.json
  $ tessera rooms verify pact_…
  $ tessera rooms verify --file room.json --keys tessera-keys.json

verify recomputes every entry's hash and the chain, and checks every checkpoint's
signature, here: the server is not trusted. The keys come from --keys (pin them), else
from the export file, else from <url>/.well-known/tessera-keys.json.

Exit codes: 0 the room verifies, 1 it does not (the first bad entry is named),
2 bad usage, an unreadable file or a request that failed.`

/** `tessera rooms export|verify`: a pact's room ledger, checked offline. */
export function registerRooms(program: Command, io: CliIo, exit: (code: ExitCode) => void): void {
  const rooms = program
    .command('rooms')
    .description("a pact's room ledger")
    .addHelpText('after', EXAMPLES)
  rooms
    .command('export')
    .description('print a whole room (every page) and the key set as JSON')
    .argument('<pactId>')
    .option('--url <url>', 'server base URL (default: $TESSERA_URL or http://localhost:8080)')
    .option('--api-key <key>', 'API key, sent as a Bearer token (default: $TESSERA_API_KEY)')
    .action(async (pactId: string, flags: ServerFlags) => {
      const room = await call(() => clientOf(flags, io).rooms.export(pactId))
      io.stdout(`${JSON.stringify(room, null, 2)}\n`)
      exit(EXIT.ok)
    })
  rooms
    .command('verify')
    .description(
      "check a room's hash chain and checkpoint signatures; name the first tampered entry",
    )
    .argument('[pactId]', 'fetch this room from the server (or give --file)')
    .option('-f, --file <path>', 'verify an export (tessera rooms export) instead of fetching')
    .option('--keys <path>', 'a key set (tessera-keys.json) to trust instead of the server’s')
    .option('--json', 'print the verification as JSON')
    .option('--url <url>', 'server base URL (default: $TESSERA_URL or http://localhost:8080)')
    .option('--api-key <key>', 'API key, sent as a Bearer token (default: $TESSERA_API_KEY)')
    .action(async (pactId: string | undefined, flags: VerifyFlags) => {
      exit(await runVerify(pactId, flags, io))
    })
}

async function runVerify(
  pactId: string | undefined,
  flags: VerifyFlags,
  io: CliIo,
): Promise<ExitCode> {
  if ((pactId === undefined) === (flags.file === undefined)) {
    throw new CliError('give a pactId or --file <export.json>, not both')
  }
  const room = flags.file
    ? await readJson<RoomExport>(io, flags.file)
    : await call(() => clientOf(flags, io).rooms.export(pactId!))
  if (!Array.isArray(room.entries) || !Array.isArray(room.checkpoints)) {
    throw new CliError(`${flags.file ?? pactId}: not a room export (entries and checkpoints)`)
  }
  const { keys, source } = await keysFor(room, flags, io)
  const result = verifyRoom({ ...room, roomId: room.roomId ?? room.pactId }, keys)
  if (flags.json) io.stdout(`${JSON.stringify({ ...result, keySource: source }, null, 2)}\n`)
  else io.stdout(report(result, source))
  return result.valid ? EXIT.ok : EXIT.rejected
}

async function keysFor(
  room: RoomExport,
  flags: VerifyFlags,
  io: CliIo,
): Promise<{ keys: RoomKeySet; source: string }> {
  if (flags.keys) return { keys: await readJson<TesseraKeySet>(io, flags.keys), source: flags.keys }
  if (room.keys) return { keys: room.keys, source: `${flags.file ?? 'the export'} (as fetched)` }
  const keys = await call(() =>
    clientOf({ ...flags, apiKey: flags.apiKey ?? '-' }, io).rooms.keys(),
  )
  return { keys, source: `${baseUrl(flags, io)}/.well-known/tessera-keys.json` }
}

function report(r: RoomVerification, keySource: string): string {
  const lines = [
    r.valid
      ? `room ${r.roomId}: valid`
      : `room ${r.roomId}: NOT VALID — entry ${r.problem!.seq}: ${r.problem!.code}`,
    `  ${r.entryCount} entries, ${r.checkpointCount} checkpoints; entries 1–${r.signedEntries} signed` +
      (r.unsignedTail > 0 ? `, the last ${r.unsignedTail} chained but not signed yet` : ''),
    `  keys: ${keySource}`,
    ...r.problems.map((p) => `  ${p.code}: ${p.message}`),
  ]
  return `${lines.join('\n')}\n`
}

function baseUrl(flags: ServerFlags, io: CliIo): string {
  return (flags.url ?? (io.env['TESSERA_URL'] || DEFAULT_URL)).replace(/\/+$/, '')
}

function clientOf(flags: ServerFlags, io: CliIo): TesseraClient {
  const apiKey = flags.apiKey ?? io.env['TESSERA_API_KEY']
  if (!apiKey) throw new CliError('an API key is needed: --api-key or $TESSERA_API_KEY')
  try {
    return new TesseraClient({ baseUrl: baseUrl(flags, io), apiKey, fetch: io.fetch })
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err))
  }
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof TesseraError) throw new CliError(`${err.code}: ${err.message}`)
    throw err
  }
}

async function readJson<T>(io: CliIo, path: string): Promise<T> {
  let text: string
  try {
    text = path === '-' ? await io.readStdin() : await io.readFile(path)
  } catch (err) {
    throw new CliError(`${path}: ${err instanceof Error ? err.message : String(err)}`)
  }
  try {
    return JSON.parse(text) as T
  } catch {
    throw new CliError(`${path}: not JSON`)
  }
}
