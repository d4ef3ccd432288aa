import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { capabilityFor, normaliseToolGlob, normaliseToolName } from './tool-capability.ts'
import { TRANSFER_FUNDS_SPELLINGS } from '../../testing/tool-spellings.ts'

/** What a capability may look like (the shape agents are registered with). */
const CAPABILITY = /^[a-z0-9_.-]+:[a-z0-9_.*-]+$/

describe('the capability a tool needs', () => {
  it.each([
    ['payments:transfer', 'payments:transfer'],
    ['files:read_text', 'files:read_text'],
    ['acme.payments:refund-v2', 'acme.payments:refund-v2'],
    ['  web:search  ', 'web:search'],
  ])('uses %j, which already looks like a capability, as it is', (tool, capability) => {
    expect(capabilityFor(tool)).toBe(capability)
  })

  it.each([
    ['web_search', 'web:search'],
    ['web-search', 'web:search'],
    ['web.search', 'web:search'],
    ['web/search', 'web:search'],
    ['web search', 'web:search'],
    ['db.delete_rows', 'db:delete_rows'],
    ['github_create_issue', 'github:create_issue'],
    ['a:b:c', 'a:b_c'],
  ])('turns the first separator of %j into the colon: %s', (tool, capability) => {
    expect(capabilityFor(tool)).toBe(capability)
  })

  it.each([
    ['webSearch', 'web:search'],
    ['WebSearch', 'web:search'],
    ['getUserProfile', 'get:user_profile'],
    ['db.deleteRows', 'db:delete_rows'],
    ['DB.DeleteRows', 'db:delete_rows'],
    ['files_readText', 'files:read_text'],
    ['s3PutObject', 's3:put_object'],
  ])('splits camelCase in %j: %s', (tool, capability) => {
    expect(capabilityFor(tool)).toBe(capability)
  })

  it.each([
    ['webSearch_all', 'web:search_all'],
    ['web_searchAll', 'web:search_all'],
  ])('with a separator in %j, splits camelCase on both sides of it: %s', (tool, capability) => {
    expect(capabilityFor(tool)).toBe(capability)
  })

  it.each([
    ['WEB_SEARCH', 'web:search'],
    ['Payments:Transfer', 'payments:transfer'],
    ['SEARCH', 'tool:search'],
  ])('lowercases %j: %s', (tool, capability) => {
    expect(capabilityFor(tool)).toBe(capability)
  })

  it.each([
    ['search', 'tool:search'],
    ['Search', 'tool:search'],
    ['  search  ', 'tool:search'],
    ['v2', 'tool:v2'],
  ])('gives a one-word name %j the tool namespace: %s', (tool, capability) => {
    expect(capabilityFor(tool)).toBe(capability)
  })

  it.each([
    ['web_', 'tool:web'],
    ['_search', 'tool:search'],
    [':search', 'tool:search'],
    ['web:', 'tool:web'],
    ['web__search', 'web:search'],
    ['web_search_', 'web:search'],
  ])('treats %j, a word with a stray separator, as one word: %s', (tool, capability) => {
    expect(capabilityFor(tool)).toBe(capability)
  })

  it.each([
    ['web_se@rch!', 'web:se_rch'],
    ['mail$send', 'mail:send'],
    ['créer_fichier', 'cr:er_fichier'],
    ['files:read*', 'files:read'],
    ['payments:*', 'tool:payments'],
    ['web\tsearch', 'web:search'],
    ['web_se\ud800arch', 'web:se_arch'],
  ])('reads what a capability may not hold in %j as a separator: %s', (tool, capability) => {
    expect(capabilityFor(tool)).toBe(capability)
  })

  it.each([[''], ['   '], ['!!!'], ['_'], ['::'], ['ü']])(
    'names %j, which has nothing usable, tool:unnamed',
    (tool) => {
      expect(capabilityFor(tool)).toBe('tool:unnamed')
    },
  )

  it('always gives a well-formed capability, whatever the name', () => {
    const nameish = fc.string({
      unit: fc.constantFrom(...'aZ9_-./: *\t!é'.split('')),
      maxLength: 12,
    })
    for (const names of [fc.string(), fc.string({ unit: 'grapheme' }), nameish]) {
      fc.assert(
        fc.property(names, (tool) => CAPABILITY.test(capabilityFor(tool))),
        { numRuns: 500 },
      )
    }
  })

  it('maps a capability it gave to itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (tool) => {
        const capability = capabilityFor(tool)
        return capabilityFor(capability) === capability
      }),
      { numRuns: 500 },
    )
  })
})

describe('the normalised tool name org rules match', () => {
  it.each([...TRANSFER_FUNDS_SPELLINGS, 'TransferFunds', '  transfer__funds_ ', 'transfer\tfunds'])(
    'is transfer_funds for %j',
    (tool) => {
      expect(normaliseToolName(tool)).toBe('transfer_funds')
      expect(capabilityFor(tool)).toBe('transfer:funds')
    },
  )

  it.each([
    ['transfer_funds', 'transfer_funds'],
    ['Transfer-Funds', 'transfer_funds'],
    ['db_*', 'db_*'],
    ['DB-*', 'db_*'],
    ['db*', 'db*'],
    ['*Funds', '*funds'],
    ['*.funds', '*_funds'],
    ['transferF*', 'transfer_f*'],
    ['db.?rop', 'db_?rop'],
    ['*', '*'],
    ['*-*', '*_*'],
    ['_db*', 'db*'],
    ['db.', 'db'],
    ['db\\*x', 'db_x'],
  ])('normalises the glob %j to %j', (glob, normalised) => {
    expect(normaliseToolGlob(glob)).toBe(normalised)
  })

  it('normalises a glob without wildcards exactly as a name', () => {
    const nameish = fc.string({ unit: fc.constantFrom(...'aZ9_-./: \t!é'.split('')) })
    fc.assert(
      fc.property(nameish, (name) => normaliseToolGlob(name) === normaliseToolName(name)),
      { numRuns: 500 },
    )
  })
})
