import canonicalize from 'canonicalize'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson, contentHash } from './canonical-json.ts'
import { sha256Hex } from './sha256.ts'

/** The double whose IEEE 754 bits are `hex`, as RFC 8785 Appendix B addresses its samples. */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8))
  view.setBigUint64(0, BigInt(`0x${hex}`))
  return view.getFloat64(0)
}

describe('canonicalJson: the RFC 8785 examples', () => {
  // RFC 8785 §3.2.2: the sample input, and its canonical form
  const sample = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`
  const sampleCanonical = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`

  it('writes the §3.2.2 sample as the RFC does', () => {
    expect(canonicalJson(JSON.parse(sample))).toBe(sampleCanonical)
  })

  it('gives the §3.2.4 UTF-8 bytes of the sample', () => {
    const bytes = Buffer.from(canonicalJson(JSON.parse(sample)), 'utf8').toString('hex')
    expect(bytes).toBe(
      '7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d2c226e756d62657273223a5b333333' +
        '3333333333332e333333333333332c31652b33302c342e352c302e3030322c31652d32375d2c22737472696e' +
        '67223a22e282ac245c75303030665c6e4127425c225c5c5c5c5c222f227d',
    )
  })

  it('sorts members by UTF-16 code units, as §3.2.3 shows (the emoji before U+FB33)', () => {
    const input = String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`
    expect(canonicalJson(JSON.parse(input))).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
        '"ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    )
  })

  it('writes numbers as Appendix B lists them, by IEEE 754 bit pattern', () => {
    const samples: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'], // minus zero
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'], // round to even
    ]
    for (const [bits, text] of samples) expect(canonicalJson(fromBits(bits)), bits).toBe(text)
  })

  it('refuses what has no canonical form: NaN and Infinity (Appendix B), lone surrogates', () => {
    for (const bad of [
      fromBits('7fffffffffffffff'),
      fromBits('7ff0000000000000'),
      { s: '\ud800' },
      undefined,
      () => 1,
    ]) {
      expect(() => canonicalJson(bad)).toThrow(TypeError)
    }
  })
})

describe('contentHash', () => {
  it('is the SHA-256 of the canonical JSON, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(contentHash(value)).toBe(sha256Hex(canonicalize(value)!))
      }),
    )
  })

  it('sorts keys at every depth and leaves out undefined members', () => {
    expect(contentHash({ b: [{ d: 1, c: undefined, a: null }], a: 'x' })).toBe(
      sha256Hex('{"a":"x","b":[{"a":null,"d":1}]}'),
    )
  })

  it('walks nesting of any depth and escapes lone surrogates instead of throwing', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown
    expect(contentHash(deep)).toBe(sha256Hex(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))
    expect(contentHash({ s: '\ud800' })).toBe(sha256Hex('{"s":"\\ud800"}'))
  })
})
