import { describe, expect, it } from 'vitest'
import { main } from './cli.ts'
import { buildEvent, integerOrRaw, parseDataPairs } from './event-flags.ts'
import { memoryIo } from './testing/memory-io.ts'

const NOW = 1_700_000_000_000

describe('buildEvent', () => {
  it('turns integer literals into numbers and keeps everything else a string', () => {
    const event = buildEvent(
      {
        agent: 'A-1234abcd',
        bid: '1000',
        mult: '2',
        time: '1642781234567',
        user: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
        data: ['task=review', 'duration=1500', 'lang=py', 'zip=007', 'neg=-3', 'expr=a=b'],
      },
      NOW,
    )
    expect(event).toEqual({
      agent: 'A-1234abcd',
      user: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      bid: 1000,
      time: 1_642_781_234_567,
      mult: 2,
      data: { task: 'review', duration: 1500, lang: 'py', zip: '007', neg: -3, expr: 'a=b' },
    })
  })

  it('defaults time to now and leaves bid, mult, user and data out', () => {
    expect(buildEvent({ agent: 'deadbeef' }, NOW)).toEqual({ agent: 'deadbeef', time: NOW })
  })

  it('sends --data-base64 as the data string', () => {
    expect(buildEvent({ agent: 'abc', dataBase64: 'SGVsbG8=' }, NOW)).toMatchObject({
      data: 'SGVsbG8=',
    })
  })

  it('keeps numbers that are not integers as typed, for validation to reject', () => {
    expect(buildEvent({ agent: 'abc', bid: '1.5', time: 'yesterday', mult: '1e3' }, NOW)).toEqual({
      agent: 'abc',
      bid: '1.5',
      time: 'yesterday',
      mult: '1e3',
    })
  })

  it('refuses --data together with --data-base64', () => {
    expect(() => buildEvent({ data: ['a=1'], dataBase64: 'AA==' }, NOW)).toThrow(/not both/)
  })
})

describe('integerOrRaw', () => {
  it.each([
    ['0', 0],
    ['-5', -5],
    ['1000', 1000],
    ['1.0', '1.0'],
    [' 1', ' 1'],
    ['', ''],
    ['99999999999999999999', '99999999999999999999'],
  ])('%j → %j', (raw, expected) => {
    expect(integerOrRaw(raw)).toEqual(expected)
  })
})

describe('parseDataPairs', () => {
  it('lets the last of repeated keys win and treats __proto__ as an ordinary key', () => {
    const data = parseDataPairs(['a=1', 'a=2', '__proto__=x', 'empty='])
    expect(data).toEqual(JSON.parse('{"a":2,"__proto__":"x","empty":""}'))
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype)
  })

  it('keeps integers beyond 2^53 as strings rather than losing digits', () => {
    expect(parseDataPairs(['big=9007199254740993'])).toEqual({ big: '9007199254740993' })
  })

  it.each(['novalue', '=v'])('rejects %j', (pair) => {
    expect(() => parseDataPairs([pair])).toThrow(/key=value/)
  })
})

describe('tessera events send (flag usage)', () => {
  it('exits 2 for a malformed --data pair, sending nothing', async () => {
    const io = memoryIo({ fetch: () => Promise.reject(new Error('must not send')) })
    expect(await main(['events', 'send', '--agent', 'abc', '--data', 'oops'], io)).toBe(2)
    expect(io.stderrText()).toContain("--data expects key=value, got 'oops'")
  })

  it('exits 2 when --file is combined with event flags', async () => {
    const io = memoryIo()
    expect(await main(['events', 'send', '--file', 'x.json', '--bid', '1'], io)).toBe(2)
    expect(io.stderrText()).toMatch(/--file <path>' cannot be used with option '--bid/)
  })

  it('exits 2 when there is nothing to send', async () => {
    const io = memoryIo()
    expect(await main(['events', 'send'], io)).toBe(2)
    expect(io.stderrText()).toContain('nothing to send')
  })

  it('exits 2 for an unknown option and 0 for --help', async () => {
    expect(await main(['events', 'send', '--nope'], memoryIo())).toBe(2)
    const io = memoryIo()
    expect(await main(['events', 'send', '--help'], io)).toBe(0)
    expect(io.stdoutText()).toContain('--data <key=value>')
  })

  it('prints the built event with --dry-run --print', async () => {
    const io = memoryIo({ now: () => NOW })
    const argv = ['events', 'send', '--agent', 'A-1234abcd', '--bid', '1000', '--data', 'n=1']
    argv.push('--user', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--dry-run', '--print')
    expect(await main(argv, io)).toBe(0)
    const [printed] = io.out
    expect(JSON.parse(printed ?? '')).toEqual({
      agent: 'A-1234abcd',
      user: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      bid: 1000,
      time: NOW,
      data: { n: 1 },
    })
    expect(io.out.at(-1)).toBe('dry run: accepted 1, rejected 0 (nothing was sent)\n')
  })
})
