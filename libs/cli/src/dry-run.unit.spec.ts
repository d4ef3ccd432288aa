import { validateArdenEvent } from '@tessera/contracts'
import { describe, expect, it, vi } from 'vitest'
import { main } from './cli.ts'
import { dryRun, PLACEHOLDER_KEY_USER } from './dry-run.ts'
import { memoryIo } from './testing/memory-io.ts'

const USER = '01ARZ3NDEKTSV4RRFFQ69G5FAV'
const good = { agent: 'A-1234abcd', user: USER, bid: 1000, time: 1_642_781_234_567, data: { a: 1 } }
const without = (key: keyof typeof good) => {
  const { [key]: _, ...rest } = good
  return rest
}

/** Each bad event, and the code the server gives it. */
const BAD: Array<[string, unknown, string]> = [
  ['not an object', 'event', 'validation_error'],
  ['no agent', without('agent'), 'missing_required_field'],
  ['no time', without('time'), 'missing_required_field'],
  ['no data', without('data'), 'missing_required_field'],
  ['agent not hex', { ...good, agent: 'A-xyz' }, 'validation_error'],
  ['agent too long', { ...good, agent: 'A-123456789' }, 'validation_error'],
  ['negative bid', { ...good, bid: -1 }, 'validation_error'],
  ['bid as string', { ...good, bid: '1000' }, 'validation_error'],
  ['time as float', { ...good, time: 1.5 }, 'validation_error'],
  ['nested data', { ...good, data: { a: { b: 1 } } }, 'validation_error'],
  ['data not base64', { ...good, data: 'not base64!' }, 'validation_error'],
  ['data over 1 KB', { ...good, data: { big: 'x'.repeat(1100) } }, 'bad_data_size'],
  ['base64 over 1 KB', { ...good, data: 'A'.repeat(1368) }, 'bad_data_size'],
  ['no user, no key', without('user'), 'invalid_user'],
  ['user not a ULID', { ...good, user: 'bob' }, 'invalid_user'],
]

describe('dry run', () => {
  it.each(BAD)('%s: the code validateArdenEvent gives', (_name, event, code) => {
    const check = validateArdenEvent(event)
    expect(check.ok ? 'ok' : check.error).toBe(code)
    const report = dryRun([event], { apiKeyConfigured: false })
    expect(report.rejections).toEqual([
      { index: 0, error: code, message: check.ok ? undefined : check.message },
    ])
  })

  it('reports every bad event of a file by index and exits 1, sending nothing', async () => {
    const events = [good, ...BAD.map(([, event]) => event), good]
    const fetch = vi.fn<typeof globalThis.fetch>()
    const io = memoryIo({ files: { 'e.json': JSON.stringify(events) }, fetch })
    expect(await main(['events', 'send', '--file', 'e.json', '--dry-run'], io)).toBe(1)
    expect(fetch).not.toHaveBeenCalled()
    const errors = io.err.filter((l) => l.startsWith('event '))
    expect(errors).toHaveLength(BAD.length)
    BAD.forEach(([, , code], i) =>
      expect(errors[i]).toMatch(new RegExp(`^event ${i + 1}: ${code}: `)),
    )
    expect(io.stderrText()).toContain('note: unknown_agent is not checked in a dry run')
    expect(io.stdoutText()).toBe(`dry run: accepted 2, rejected ${BAD.length} (nothing was sent)\n`)
  })

  it('gives NDJSON line numbers', async () => {
    const text = `${JSON.stringify(good)}\n\n${JSON.stringify({ ...good, bid: -1 })}\n`
    const io = memoryIo({ files: { 'e.ndjson': text } })
    expect(await main(['events', 'send', '-f', 'e.ndjson', '--dry-run'], io)).toBe(1)
    expect(io.err[0]).toMatch(/^event 1 \(line 3\): validation_error: bid must be/)
  })

  it('exits 0 on a clean file and sends nothing', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>()
    const io = memoryIo({ files: { 'e.json': JSON.stringify([good, good]) }, fetch })
    expect(await main(['events', 'send', '--file', 'e.json', '--dry-run'], io)).toBe(0)
    expect(fetch).not.toHaveBeenCalled()
    expect(io.stdoutText()).toBe('dry run: accepted 2, rejected 0 (nothing was sent)\n')
  })

  it('lets a configured API key stand in for a missing user, and says so', async () => {
    const file = { 'e.json': JSON.stringify(without('user')) }
    const keyed = memoryIo({ files: file, env: { TESSERA_API_KEY: 'tsk_test' } })
    expect(await main(['events', 'send', '--file', 'e.json', '--dry-run'], keyed)).toBe(0)
    expect(keyed.stderrText()).toContain('note: an API key is configured')

    const flagKey = memoryIo({ files: file })
    const argv = ['events', 'send', '--file', 'e.json', '--dry-run', '--api-key', 'k']
    expect(await main(argv, flagKey)).toBe(0)

    const unkeyed = memoryIo({ files: file, env: { TESSERA_API_KEY: '' } })
    expect(await main(['events', 'send', '--file', 'e.json', '--dry-run'], unkeyed)).toBe(1)
    expect(unkeyed.err[0]).toBe('event 0: invalid_user: user is required without a valid token\n')
    expect(validateArdenEvent(without('user'), PLACEHOLDER_KEY_USER).ok).toBe(true)
  })

  it('prints a JSON summary with --json, with the events under --print', async () => {
    const io = memoryIo({ files: { 'e.json': JSON.stringify([good, { ...good, bid: -1 }]) } })
    const argv = ['events', 'send', '--file', 'e.json', '--dry-run', '--json', '--print']
    expect(await main(argv, io)).toBe(1)
    expect(JSON.parse(io.stdoutText())).toMatchObject({
      dry_run: true,
      total: 2,
      accepted: 1,
      rejected: 1,
      not_sent: 0,
      rejections: [{ index: 1, error: 'validation_error' }],
      request_errors: [],
      events: [good, { ...good, bid: -1 }],
    })
  })
})
