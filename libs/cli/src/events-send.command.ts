import { ARDEN_MAX_BATCH } from '@tessera/contracts'
import { Option } from 'commander'
import type { Command } from 'commander'
import { CliError } from './cli-error.ts'
import type { ExitCode } from './cli-error.ts'
import { dryRun } from './dry-run.ts'
import { chunkEvents, parseEventsText } from './event-file.ts'
import type { EventSource } from './event-file.ts'
import { buildEvent, EVENT_FLAGS, hasEventFlags } from './event-flags.ts'
import type { EventFlags } from './event-flags.ts'
import { sendChunks } from './http-sender.ts'
import type { CliIo } from './io.ts'
import { createProgress } from './progress.ts'
import type { Progress } from './progress.ts'
import {
  eventRange,
  jsonSummary,
  printedEvents,
  problemLines,
  summaryLine,
} from './report-output.ts'
import { aggregateOutcomes, exitCodeOf } from './send-report.ts'
import type { SendReport } from './send-report.ts'
import { resolveServer } from './server-options.ts'
import type { ServerFlags } from './server-options.ts'

export interface SendFlags extends EventFlags, ServerFlags {
  file?: string
  dryRun?: boolean
  print?: boolean
  json?: boolean
  /** false with `--no-progress` */
  progress: boolean
}

const EXAMPLES = `
Examples:
  $ tessera events send --agent A-1234abcd --bid 1000 --data task=review --data duration=1500
  $ tessera events send --agent A-1234abcd --data-base64 SGVsbG8= --dry-run --print
  $ tessera events send --file events.ndjson --url https://tessera.example.com --api-key "$KEY"
  $ cat events.json | tessera events send --file - --json

Exit codes: 0 all accepted (or a clean dry run), 1 some event rejected,
2 bad usage, unreadable input, or a request that failed as a whole.`

export function registerEventsSend(
  events: Command,
  io: CliIo,
  exit: (code: ExitCode) => void,
): void {
  events
    .command('send')
    .description('send Arden telemetry events (POST /api/events), or check them with --dry-run')
    .option('--agent <id>', 'agent id: A-<hex> real, S-<hex> simulated, or bare hex')
    .option('--bid <micro-cents>', 'usage cost in micro-cents (omitted: the server uses 0)')
    .option(
      '--data <key=value>',
      'a data field, repeatable; integer values become numbers',
      collect,
    )
    .addOption(
      new Option('--data-base64 <base64>', 'data as one base64 string instead').conflicts('data'),
    )
    .option('--time <epoch-ms>', 'event time in epoch milliseconds (default: now)')
    .option('--user <ulid>', "user ULID (default: the API key's user, filled in by the server)")
    .option('--mult <n>', 'multiplier (reserved by the protocol)')
    .addOption(
      new Option(
        '-f, --file <path>',
        'events from a JSON array, one JSON object, or NDJSON; - reads stdin',
      ).conflicts([...EVENT_FLAGS]),
    )
    .option('--dry-run', 'validate with the server rules and send nothing')
    .option('--print', 'print the events as JSON to stdout (as sent, or as validated)')
    .option('--json', 'print a machine-readable summary instead of the summary line')
    .option('--no-progress', 'no progress line for large inputs')
    .option('--url <url>', 'server base URL (default: $TESSERA_URL or http://localhost:8080)')
    .option('--api-key <key>', 'API key, sent as a Bearer token (default: $TESSERA_API_KEY)')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: SendFlags) => exit(await runSend(flags, io)))
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

export async function runSend(flags: SendFlags, io: CliIo): Promise<ExitCode> {
  const input = await loadEvents(flags, io)
  let report: SendReport
  if (flags.dryRun) {
    const apiKeyConfigured = resolveServer(flags, io.env, { checkUrl: false }).apiKey !== undefined
    report = dryRun(input.events, { apiKeyConfigured, lines: input.lines })
  } else {
    report = await send(input, flags, io)
  }

  for (const line of problemLines(report)) io.stderr(`${line}\n`)
  if (flags.json) {
    io.stdout(`${jsonSummary(report, flags.print ? input.events : undefined)}\n`)
  } else {
    if (flags.print) io.stdout(`${printedEvents(input.events)}\n`)
    io.stdout(`${summaryLine(report)}\n`)
  }
  return exitCodeOf(report)
}

async function loadEvents(flags: SendFlags, io: CliIo): Promise<EventSource> {
  if (flags.file === undefined) {
    if (!hasEventFlags(flags)) {
      throw new CliError('nothing to send: give event flags (--agent, --data, ...) or --file')
    }
    return { events: [buildEvent(flags, io.now())] }
  }
  const stdin = flags.file === '-'
  let text: string
  try {
    text = stdin ? await io.readStdin() : await io.readFile(flags.file)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new CliError(`cannot read ${stdin ? 'stdin' : flags.file}: ${reason}`)
  }
  return parseEventsText(text, stdin ? 'stdin' : flags.file)
}

async function send(input: EventSource, flags: SendFlags, io: CliIo): Promise<SendReport> {
  const server = resolveServer(flags, io.env, { checkUrl: true })
  const chunks = chunkEvents(input.events, ARDEN_MAX_BATCH)
  const progress: Progress | undefined =
    chunks.length > 1 && flags.progress
      ? createProgress({
          total: input.events.length,
          write: io.stderr,
          tty: io.stderrIsTTY,
          now: io.now,
        })
      : undefined
  let sent = 0
  let rejected = 0
  const outcomes = await sendChunks(chunks, {
    endpoint: server.endpoint,
    apiKey: server.apiKey,
    fetch: io.fetch,
    sleep: io.sleep,
    now: io.now,
    onOutcome(outcome) {
      if (outcome.kind !== 'answered') return
      sent += outcome.size
      rejected += outcome.response.rejected_count
      progress?.update(sent, rejected)
    },
    onRetry({ chunk, delayMs, reason }) {
      const events = eventRange(chunk.offset, chunk.offset + chunk.events.length - 1)
      const line = `${events}: ${reason}, retrying in ${delayMs / 1000} s`
      if (progress) progress.note(line)
      else io.stderr(`${line}\n`)
    },
  })
  progress?.done()
  return aggregateOutcomes(outcomes, input.lines)
}
