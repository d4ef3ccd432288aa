import { Command, CommanderError } from 'commander'
import pkg from '../package.json' with { type: 'json' }
import { CliError, EXIT } from './cli-error.ts'
import type { ExitCode } from './cli-error.ts'
import { registerEventsSend } from './events-send.command.ts'
import type { CliIo } from './io.ts'
import { registerRooms } from './rooms.command.ts'

/**
 * Runs one `tessera` invocation and resolves to its exit code. It never exits the process and
 * reaches the outside world only through `io`, so tests run it in-process.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok
  const program = new Command('tessera')
    .description('Tessera command line')
    .version(pkg.version)
    // settings made here are inherited by the subcommands created with .command()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage)')
  const events = program.command('events').description('Arden telemetry events')
  registerEventsSend(events, io, (c) => {
    code = c
  })
  registerRooms(program, io, (c) => {
    code = c
  })

  try {
    await program.parseAsync([...argv], { from: 'user' })
    return code
  } catch (err) {
    // commander has printed its own message (or the help); only the exit code is ours
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.failure
    if (err instanceof CliError) {
      io.stderr(`tessera: ${err.message}\n`)
      return EXIT.failure
    }
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err)
    io.stderr(`tessera: unexpected error: ${detail}\n`)
    return EXIT.failure
  }
}
