import { describe, expect, it } from 'vitest'
import { randomHandle, withFreeHandle } from './agent-handles.ts'

class Taken extends Error {}
const isTaken = (err: unknown) => err instanceof Taken

/** Handles in order, and what `attempt` saw. */
function script(handles: string[], taken: Set<string>) {
  const tried: string[] = []
  const next = () => handles.shift() ?? 'ffffffff'
  const attempt = (handle: string) => {
    tried.push(handle)
    return taken.has(handle) ? Promise.reject(new Taken(handle)) : Promise.resolve(handle)
  }
  return { tried, next, attempt }
}

describe('Arden handles', () => {
  it('are 8 lowercase hex digits', () => {
    for (let i = 0; i < 50; i++) expect(randomHandle()).toMatch(/^[0-9a-f]{8}$/)
  })

  it('are drawn again while the one drawn is taken', async () => {
    const s = script(['deadbeef', 'cafebabe', '0badf00d'], new Set(['deadbeef', 'cafebabe']))
    await expect(withFreeHandle(s.attempt, isTaken, { next: s.next })).resolves.toBe('0badf00d')
    expect(s.tried).toEqual(['deadbeef', 'cafebabe', '0badf00d'])
  })

  it('give up after a few tries, and never retry other errors', async () => {
    const s = script(['deadbeef', 'deadbeef', 'deadbeef'], new Set(['deadbeef']))
    await expect(withFreeHandle(s.attempt, isTaken, { next: s.next, tries: 3 })).rejects.toThrow(
      Taken,
    )
    expect(s.tried).toHaveLength(3)

    let calls = 0
    const boom = () => {
      calls++
      return Promise.reject(new Error('database down'))
    }
    await expect(withFreeHandle(boom, isTaken)).rejects.toThrow('database down')
    expect(calls).toBe(1)
  })
})
