import { describe, expect, it } from 'vitest'
import { GroupCommitQueue, GroupFailure } from './group-commit.ts'

/** A commit the test lets finish when it wants, recording each group it was given. */
function gatedCommit<T>(answer: (item: T) => string = (i) => `ok:${String(i)}`) {
  const groups: T[][] = []
  const gates: (() => void)[] = []
  const commit = async (items: T[]) => {
    groups.push(items)
    await new Promise<void>((open) => gates.push(open))
    return items.map(answer)
  }
  const openNext = async () => {
    while (gates.length === 0) await turn()
    gates.shift()!()
  }
  return { groups, commit, openNext, waiting: () => gates.length }
}

/** A commit that takes a turn of the event loop, as a write does, recording each group. */
function fakeCommit<T, R>(answer: (items: T[]) => R[]) {
  const groups: T[][] = []
  const commit = async (items: T[]) => {
    groups.push(items)
    await turn()
    return answer(items)
  }
  return { groups, commit }
}

const turn = () => new Promise((r) => setImmediate(r))

describe('group commit queue', () => {
  it('puts submissions made in one turn into one group, in order, each getting its own result', async () => {
    const c = fakeCommit((items: string[]) => items.map((i) => i.toUpperCase()))
    const q = new GroupCommitQueue({ commit: c.commit })
    const results = await Promise.all(['a', 'b', 'c'].map((i) => q.submit(i)))
    expect(results).toEqual(['A', 'B', 'C'])
    expect(c.groups).toEqual([['a', 'b', 'c']])
  })

  it('resolves a submission only after its group committed; later ones share the next group', async () => {
    const c = gatedCommit<number>()
    const q = new GroupCommitQueue<number, string>({ commit: c.commit })
    const settled: number[] = []
    const first = q.submit(1).then((r) => (settled.push(1), r))
    while (c.waiting() === 0) await turn()
    const later = [2, 3, 4].map((i) => q.submit(i).then((r) => (settled.push(i), r)))
    for (let i = 0; i < 5; i++) await turn()
    expect(settled).toEqual([])
    expect(c.groups).toEqual([[1]]) // one group in flight at a time by default
    await c.openNext()
    expect(await first).toBe('ok:1')
    await c.openNext()
    expect(await Promise.all(later)).toEqual(['ok:2', 'ok:3', 'ok:4'])
    expect(c.groups).toEqual([[1], [2, 3, 4]])
    expect(settled).toEqual([1, 2, 3, 4])
  })

  it('caps a group at maxGroupSize by each item size; a larger item goes alone', async () => {
    const c = fakeCommit((items: number[]) => items)
    const q = new GroupCommitQueue({ maxGroupSize: 5, size: (n) => n, commit: c.commit })
    await Promise.all([2, 2, 2, 9, 1, 1, 3].map((n) => q.submit(n)))
    expect(c.groups).toEqual([[2, 2], [2], [9], [1, 1, 3]])
  })

  it('writes up to maxInFlight groups at once, taking the queue in order', async () => {
    const c = gatedCommit<number>()
    const q = new GroupCommitQueue<number, string>({ commit: c.commit, maxInFlight: 2 })
    const a = q.submit(1)
    while (c.waiting() < 1) await turn()
    const b = q.submit(2)
    while (c.waiting() < 2) await turn()
    const rest = [q.submit(3), q.submit(4)]
    for (let i = 0; i < 5; i++) await turn()
    expect(c.groups).toEqual([[1], [2]])
    await c.openNext()
    await c.openNext()
    await c.openNext()
    expect(await Promise.all([a, b, ...rest])).toEqual(['ok:1', 'ok:2', 'ok:3', 'ok:4'])
    expect(c.groups).toEqual([[1], [2], [3, 4]])
  })

  it('retries each item alone when a group fails, so only the refused one rejects', async () => {
    const refused = new Error('invalid byte sequence')
    const c = fakeCommit((items: string[]) => {
      if (items.includes('bad')) throw refused
      return items
    })
    const q = new GroupCommitQueue({ commit: c.commit })
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((i) => q.submit(i)))
    expect(results).toEqual([
      { status: 'fulfilled', value: 'a' },
      { status: 'rejected', reason: refused },
      { status: 'fulfilled', value: 'c' },
    ])
    expect(c.groups).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']])
  })

  it('does not retry a group whose commit may have happened: every item fails with the cause', async () => {
    const lost = new Error('connection terminated during COMMIT')
    const c = fakeCommit((_: string[]): string[] => {
      throw new GroupFailure(lost)
    })
    const q = new GroupCommitQueue({ commit: c.commit })
    const results = await Promise.allSettled(['a', 'b'].map((i) => q.submit(i)))
    expect(results).toEqual([
      { status: 'rejected', reason: lost },
      { status: 'rejected', reason: lost },
    ])
    expect(c.groups).toEqual([['a', 'b']])
  })

  it('keeps serving after a failed group', async () => {
    let fail = true
    const c = fakeCommit((items: string[]) => {
      if (fail) throw new GroupFailure(new Error('down'))
      return items
    })
    const q = new GroupCommitQueue({ commit: c.commit })
    await expect(q.submit('a')).rejects.toThrow('down')
    fail = false
    await expect(q.submit('b')).resolves.toBe('b')
  })

  it('rejects every item when commit answers a result count that does not match', async () => {
    const q = new GroupCommitQueue({ commit: fakeCommit((_: string[]) => ['only one']).commit })
    const results = await Promise.allSettled([q.submit('a'), q.submit('b')])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
  })

  it('idle() waits for queued and writing groups, and answers at once when there are none', async () => {
    const c = gatedCommit<number>()
    const q = new GroupCommitQueue<number, string>({ commit: c.commit })
    await q.idle()
    const done: string[] = []
    void q.submit(1).then(() => done.push('1'))
    void q.submit(2).then(() => done.push('2'))
    const idle = q.idle().then(() => done.push('idle'))
    await c.openNext()
    await idle
    expect(done).toEqual(['1', '2', 'idle'])
  })
})
