import { describe, expect, it } from 'vitest'
import { main } from './cli.ts'
import { chunkEvents, parseEventsText } from './event-file.ts'
import { memoryIo } from './testing/memory-io.ts'

describe('parseEventsText', () => {
  it('reads a JSON array, elements that are not objects included', () => {
    expect(parseEventsText('[{"a":1}, 42]', 'f.json')).toEqual({ events: [{ a: 1 }, 42] })
  })

  it('reads one JSON object, pretty-printed over several lines', () => {
    expect(parseEventsText('{\n  "agent": "abc"\n}\n', 'f.json')).toEqual({
      events: [{ agent: 'abc' }],
    })
  })

  it('reads NDJSON with the line of each event, skipping blank lines and CRLF', () => {
    const text = '\uFEFF{"n":1}\r\n\r\n{"n":2}\n  \n[3]\n'
    expect(parseEventsText(text, 'f.ndjson')).toEqual({
      events: [{ n: 1 }, { n: 2 }, [3]],
      lines: [1, 3, 5],
    })
  })

  it('names the NDJSON line that is not JSON', () => {
    expect(() => parseEventsText('{"n":1}\n{"n":2}\n{"n":\n', 'f.ndjson')).toThrow(
      /^f\.ndjson line 3: not valid JSON: /,
    )
  })

  it('reports a broken single document as such, not as NDJSON', () => {
    expect(() => parseEventsText('[\n{"n":1},\n{"n":2\n]', 'f.json')).toThrow(
      /^f\.json: not valid JSON: /,
    )
  })

  it.each([
    ['', /input is empty/],
    ['  \n', /input is empty/],
    ['[]', /the array is empty/],
    ['"text"', /expected a JSON array/],
    ['42', /expected a JSON array/],
  ])('refuses %j', (text, message) => {
    expect(() => parseEventsText(text, 'f.json')).toThrow(message)
  })
})

describe('chunkEvents', () => {
  it('cuts 250 events into 100, 100 and 50, each with its offset', () => {
    const events = Array.from({ length: 250 }, (_, i) => i)
    const chunks = chunkEvents(events, 100)
    expect(chunks.map((c) => [c.offset, c.events.length])).toEqual([
      [0, 100],
      [100, 100],
      [200, 50],
    ])
    expect(chunks[2]?.events[0]).toBe(200)
  })
})

describe('tessera events send --file (input errors)', () => {
  const noFetch = () => Promise.reject(new Error('must not send'))

  it('exits 2 with the file and line for malformed NDJSON', async () => {
    const io = memoryIo({ files: { 'bad.ndjson': '{"a":1}\n{oops}\n' }, fetch: noFetch })
    expect(await main(['events', 'send', '--file', 'bad.ndjson'], io)).toBe(2)
    expect(io.stderrText()).toMatch(/^tessera: bad\.ndjson line 2: not valid JSON: /)
    expect(io.stdoutText()).toBe('')
  })

  it('exits 2 for malformed JSON', async () => {
    const io = memoryIo({ files: { 'bad.json': '[{"a":1},' }, fetch: noFetch })
    expect(await main(['events', 'send', '--file', 'bad.json', '--dry-run'], io)).toBe(2)
    expect(io.stderrText()).toMatch(/^tessera: bad\.json: not valid JSON: /)
  })

  it('exits 2 for a file it cannot read', async () => {
    const io = memoryIo({ fetch: noFetch })
    expect(await main(['events', 'send', '--file', 'missing.json'], io)).toBe(2)
    expect(io.stderrText()).toContain('tessera: cannot read missing.json: ENOENT')
  })

  it('reads stdin for --file -', async () => {
    const event = { agent: 'abc', time: 1, data: {}, user: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }
    const io = memoryIo({ stdin: JSON.stringify(event) })
    expect(await main(['events', 'send', '--file', '-', '--dry-run'], io)).toBe(0)
  })
})
