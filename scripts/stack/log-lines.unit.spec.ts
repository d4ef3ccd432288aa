import { describe, expect, it } from 'vitest'
import { LogTail, prefixLine } from './log-lines.ts'

describe('service output', () => {
  it('is prefixed with the service, aligned, and without colour codes', () => {
    expect(prefixLine('guardian', 8, '\x1b[32mINFO\x1b[39m ready')).toBe('[guardian] INFO ready')
    expect(prefixLine('jury', 8, 'x')).toBe('[jury]     x')
  })

  it('keeps only the last lines for error messages', () => {
    const tail = new LogTail(3)
    for (const line of ['a', 'b', 'c', 'd', 'e']) tail.push(line)
    expect(tail.last()).toEqual(['c', 'd', 'e'])
    expect(tail.last(2)).toEqual(['d', 'e'])
  })
})
