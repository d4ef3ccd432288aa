import { readFileSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const here = import.meta.dirname
// what tsconfig.build.json ships: src/ minus specs and src/testing
const shipped = readdirSync(here, { recursive: true, encoding: 'utf8' }).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.startsWith('testing'),
)

describe('the published package', () => {
  it('has no runtime dependency: @tessera/contracts is imported for types only', () => {
    const offenders: string[] = []
    for (const file of shipped) {
      const source = readFileSync(resolve(here, file), 'utf8')
      for (const [statement] of source.matchAll(/^(?:import|export)\b[^;]*?from\s+'[^']+'/gms)) {
        const from = /from\s+'([^']+)'/.exec(statement)?.[1] ?? ''
        const typeOnly = /^(?:import|export)\s+type\b/.test(statement)
        if (!from.startsWith('.') && !typeOnly) offenders.push(`${file}: ${from}`)
      }
    }
    expect(shipped).toContain('index.ts')
    expect(shipped).toContain('resources/agents.ts')
    expect(offenders).toEqual([])
  })

  it('publishes built JavaScript and declarations', () => {
    const pkg = JSON.parse(readFileSync(resolve(here, '../package.json'), 'utf8')) as {
      files: string[]
      dependencies: Record<string, string>
      publishConfig: { exports: { '.': Record<string, string> } }
    }
    expect(pkg.files).toEqual(['dist'])
    expect(Object.keys(pkg.dependencies)).toEqual(['@tessera/contracts'])
    expect(pkg.publishConfig.exports['.']).toMatchObject({
      types: './dist/index.d.ts',
      import: './dist/index.js',
    })
  })
})
