import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { EVENT_REGISTRY } from '../src/index.ts'
import { GENERATED_DIR, diffArtifacts, renderArtifacts, writeArtifacts } from './generate.ts'

let dir: string

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tessera-contracts-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('contracts generation', () => {
  it('renders one envelope schema per registered event, plus the AsyncAPI document', () => {
    const artifacts = renderArtifacts()
    const schemas = [...artifacts.keys()].filter((p) => p.startsWith('json-schema/'))
    expect(schemas).toHaveLength(EVENT_REGISTRY.length)

    const orgCreated: unknown = JSON.parse(
      artifacts.get('json-schema/guardian.OrgCreated.json') ?? '{}',
    )
    expect(orgCreated).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      required: ['type', 'data', 'metadata'],
      properties: { type: { const: 'OrgCreated' } },
    })

    const asyncapi = parse(artifacts.get('asyncapi.yaml') ?? '') as {
      asyncapi: string
      channels: Record<string, { address: string }>
    }
    expect(asyncapi.asyncapi).toBe('3.0.0')
    const addresses = Object.values(asyncapi.channels).map((c) => c.address)
    expect(addresses).toEqual(
      expect.arrayContaining([
        'tessera.guardian.OrgCreated',
        'tessera.dlq.{stream}.{consumer}',
        'tessera.intake.>',
        'tessera.intake.rejected',
      ]),
    )
  })

  it('is deterministic and ends every file with a newline', () => {
    const first = renderArtifacts()
    expect(renderArtifacts()).toEqual(first)
    for (const content of first.values()) expect(content.endsWith('\n')).toBe(true)
  })

  it('reports an altered, a missing and an extra file as drift', () => {
    writeArtifacts(dir)
    expect(diffArtifacts(dir)).toEqual([])

    const altered = path.join(dir, 'json-schema/guardian.OrgCreated.json')
    writeFileSync(altered, readFileSync(altered, 'utf8').replace('"OrgCreated"', '"OrgMade"'))
    unlinkSync(path.join(dir, 'asyncapi.yaml'))
    writeFileSync(path.join(dir, 'json-schema/guardian.Stale.json'), '{}\n')

    expect(diffArtifacts(dir)).toEqual([
      { path: 'asyncapi.yaml', kind: 'missing' },
      { path: 'json-schema/guardian.OrgCreated.json', kind: 'changed' },
      { path: 'json-schema/guardian.Stale.json', kind: 'extra' },
    ])
  })

  it('repairs drift when regenerating', () => {
    writeArtifacts(dir)
    unlinkSync(path.join(dir, 'asyncapi.yaml'))
    writeFileSync(path.join(dir, 'json-schema/guardian.Stale.json'), '{}\n')

    expect(writeArtifacts(dir).map((d) => d.kind)).toEqual(['missing', 'extra'])
    expect(diffArtifacts(dir)).toEqual([])
  })

  it('matches the committed files (run `npm run contracts:generate` if this fails)', () => {
    expect(diffArtifacts(GENERATED_DIR)).toEqual([])
  })
})
