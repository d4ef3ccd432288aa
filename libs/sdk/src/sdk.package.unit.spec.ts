import { readFileSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const here = import.meta.dirname
// what tsconfig.build.json ships: src/ minus specs and src/testing
const shipped = readdirSync(here, { recursive: true, encoding: 'utf8' }).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.startsWith('testing'),
)
const pkg = JSON.parse(readFileSync(resolve(here, '../package.json'), 'utf8')) as {
  files: string[]
  dependencies: Record<string, string>
  publishConfig: { exports: { '.': Record<string, string> } }
}
/** `jose/jwks` → `jose`, `@scope/name/x` → `@scope/name`. */
const packageOf = (from: string) =>
  from
    .split('/')
    .slice(0, from.startsWith('@') ? 2 : 1)
    .join('/')

describe('the published package', () => {
  it('imports at runtime only its declared dependencies, and @tessera/contracts for types only', () => {
    const declared = new Set(Object.keys(pkg.dependencies))
    declared.delete('@tessera/contracts')
    const offenders: string[] = []
    const used = new Set<string>()
    for (const file of shipped) {
      const source = readFileSync(resolve(here, file), 'utf8')
      for (const [statement] of source.matchAll(/^(?:import|export)\b[^;]*?from\s+'[^']+'/gms)) {
        const from = /from\s+'([^']+)'/.exec(statement)?.[1] ?? ''
        const typeOnly = /^(?:import|export)\s+type\b/.test(statement)
        if (from.startsWith('.') || typeOnly) continue
        used.add(packageOf(from))
        if (!declared.has(packageOf(from))) offenders.push(`${file}: ${from}`)
      }
    }
    expect(shipped).toContain('index.ts')
    expect(shipped).toContain('resources/agents.ts')
    expect(offenders).toEqual([])
    // and nothing is declared that no shipped file needs
    expect([...declared].filter((d) => !used.has(d))).toEqual([])
  })

  it('publishes built JavaScript and declarations', () => {
    expect(pkg.files).toEqual(['dist'])
    expect(Object.keys(pkg.dependencies)).toContain('@tessera/contracts')
    expect(pkg.publishConfig.exports['.']).toMatchObject({
      types: './dist/index.d.ts',
      import: './dist/index.js',
    })
  })

  it('declares no wire shape of its own: guardian and the SDK share those of @tessera/contracts', () => {
    // The shapes guardian's controllers validate and answer with live in contracts/src/http;
    // a resource may name them (`type CreateAgentRequest = RegisterAgentRequest`) or combine
    // them (`ListAgentsFilter & PageRequest`), but not write a field of its own.
    const ownShapes: string[] = []
    for (const file of [
      'agents',
      'sessions',
      'delegations',
      'approvals',
      'tokens',
      'pacts',
      'disputes',
    ]) {
      const source = readFileSync(resolve(here, 'resources', `${file}.ts`), 'utf8')
      for (const [declaration] of source.matchAll(
        /^export (?:interface \w+[^{]*\{|type \w+(?:<[^>]*>)? =[^\n]*[{|]\s*$)/gm,
      ))
        ownShapes.push(`${file}.ts: ${declaration}`)
    }
    expect(ownShapes).toEqual([])
  })
})
