import { describe, expect, it } from 'vitest'
import { CreditAccountBody, usdcToMicroUnits } from './ledger.http.ts'

describe('USDC on the wire', () => {
  it('converts a decimal string to micro-units exactly, never through a float', () => {
    expect(usdcToMicroUnits('12.5')).toBe('12500000')
    expect(usdcToMicroUnits('0.000001')).toBe('1')
    expect(usdcToMicroUnits('0.1')).toBe('100000') // 0.1 is not exact as a float
    expect(usdcToMicroUnits('123456789012345678.123456')).toBe('123456789012345678123456')
  })
  it('refuses a seventh decimal, a sign, an exponent and a bare dot', () => {
    for (const bad of ['1.1234567', '-1', '1e6', '.5', '1.', ' 1']) {
      expect(usdcToMicroUnits(bad), bad).toBeUndefined()
    }
  })
  it('a credit body takes exactly one amount, positive and at most 10^15 micro-units', () => {
    expect(CreditAccountBody.parse({ amountUsdc: '1000000000' })).toEqual({
      amount: '1000000000000000',
      transferId: undefined,
      reference: undefined,
    })
    for (const bad of [
      { amountUsdc: '1000000000.000001' },
      { amount: '1000000000000001' },
      { amount: '0' },
      { amountUsdc: '0' },
      { amount: 1 },
      {},
      { amount: '1', amountUsdc: '1' },
    ]) {
      expect(CreditAccountBody.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
    }
  })
})
