import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { NestPinoLogger } from './nest-pino.logger.ts'

function nestLogger() {
  const lines: Record<string, unknown>[] = []
  const logger = pino(
    { level: 'trace' },
    { write: (m: string) => void lines.push(JSON.parse(m) as Record<string, unknown>) },
  )
  return { lines, nest: new NestPinoLogger(logger) }
}

describe('NestPinoLogger', () => {
  it('maps Nest levels and the trailing context argument onto pino', () => {
    const { lines, nest } = nestLogger()
    nest.log('Mapped {/pacts, GET} route', 'RouterExplorer')
    nest.verbose('details')
    expect(lines).toMatchObject([
      { level: 30, msg: 'Mapped {/pacts, GET} route', context: 'RouterExplorer' },
      { level: 10, msg: 'details' },
    ])
  })

  it('keeps an error stack apart from the context', () => {
    const { lines, nest } = nestLogger()
    const stack = 'Error: db down\n    at connect (db.ts:1:1)'
    nest.error('db down', stack, 'ExceptionsHandler')
    nest.error(new Error('thrown'))
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: 'db down',
      stack,
      context: 'ExceptionsHandler',
    })
    expect(lines[1]).toMatchObject({ level: 50, msg: 'thrown', err: { message: 'thrown' } })
  })
})
