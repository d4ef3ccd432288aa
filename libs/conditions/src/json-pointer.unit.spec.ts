import { describe, expect, it } from 'vitest'
import { isJsonPointer } from '@tessera/contracts'
import { MISSING, escapeToken, parsePointer, resolvePointer } from './json-pointer.ts'

const at = (doc: unknown, pointer: string) => resolvePointer(doc, parsePointer(pointer))

describe('JSON pointers (RFC 6901)', () => {
  it.each([
    ['', true],
    ['/', true],
    ['/params/amount', true],
    ['/a~0b/c~1d', true],
    ['params/amount', false],
    ['/a~2', false],
    ['/a~', false],
    ['#/a', false],
  ])('%j is a pointer: %s', (pointer, valid) => {
    expect(isJsonPointer(pointer)).toBe(valid)
  })

  it('unescapes ~1 before ~0, so ~01 is a literal ~1', () => {
    expect(parsePointer('/a~1b/m~0n/~01').tokens).toEqual(['a/b', 'm~n', '~1'])
    expect(escapeToken('~1/')).toBe('~01~1')
  })

  it('resolves the RFC 6901 examples', () => {
    const doc = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'm~n': 8, ' ': 7 }
    expect(at(doc, '')).toBe(doc)
    expect(at(doc, '/foo/0')).toBe('bar')
    expect(at(doc, '/')).toBe(0)
    expect(at(doc, '/a~1b')).toBe(1)
    expect(at(doc, '/m~0n')).toBe(8)
    expect(at(doc, '/ ')).toBe(7)
  })

  it('takes only canonical, in-range array indices', () => {
    const doc = { list: ['a', 'b'] }
    expect(at(doc, '/list/1')).toBe('b')
    for (const pointer of ['/list/2', '/list/01', '/list/-', '/list/-1', '/list/1.0', '/list/x']) {
      expect(at(doc, pointer)).toBe(MISSING)
    }
  })

  it('reads only own properties, and treats undefined as missing but null as present', () => {
    expect(at({}, '/constructor')).toBe(MISSING)
    expect(at({}, '/__proto__')).toBe(MISSING)
    expect(at({ a: undefined }, '/a')).toBe(MISSING)
    expect(at({ a: null }, '/a')).toBeNull()
    expect(at({ a: 'text' }, '/a/length')).toBe(MISSING)
    expect(at({ a: null }, '/a/b')).toBe(MISSING)
    expect(at(undefined, '')).toBe(MISSING)
  })
})
