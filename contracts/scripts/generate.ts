/**
 * Renders contracts/generated/ from the zod schemas in contracts/src:
 * one JSON Schema (draft 2020-12) per event type and an AsyncAPI 3.0 document of the bus.
 *
 *   npm run contracts:generate   rewrite the committed files
 *   npm run contracts:check      exit 1 if they drifted from contracts/src (CI)
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { buildAsyncApi, formatYaml } from './asyncapi.render.ts'
import {
  compare,
  eventKey,
  eventSchemaFile,
  formatJson,
  sortedEvents,
} from './event-schema.render.ts'

export const GENERATED_DIR = path.resolve(import.meta.dirname, '../generated')

/** Relative path (posix) → file content, in path order. Pure: reads nothing from disk. */
export type Artifacts = Map<string, string>

export interface Drift {
  path: string
  kind: 'missing' | 'changed' | 'extra'
}

export function renderArtifacts(): Artifacts {
  const files: [string, string][] = []
  for (const def of sortedEvents()) {
    const file = `json-schema/${eventKey(def)}.json`
    if (files.some(([p]) => p === file)) throw new Error(`two registry entries render ${file}`)
    files.push([file, formatJson(eventSchemaFile(def))])
  }
  files.push(['asyncapi.yaml', formatYaml(buildAsyncApi())])
  return new Map(files.sort(([a], [b]) => compare(a, b)))
}

/** Every file under `dir`, as posix paths relative to it; none if `dir` does not exist. */
export function listFiles(dir: string): string[] {
  let entries
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort(compare)
}

/** What differs between `dir` and a fresh render: missing, changed and extra files. */
export function diffArtifacts(dir: string, artifacts: Artifacts = renderArtifacts()): Drift[] {
  const drift: Drift[] = []
  for (const [file, content] of artifacts) {
    let onDisk: string
    try {
      onDisk = readFileSync(path.join(dir, file), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      drift.push({ path: file, kind: 'missing' })
      continue
    }
    if (onDisk !== content) drift.push({ path: file, kind: 'changed' })
  }
  for (const file of listFiles(dir)) {
    if (!artifacts.has(file)) drift.push({ path: file, kind: 'extra' })
  }
  return drift.sort((a, b) => compare(a.path, b.path))
}

/** Makes `dir` hold exactly `artifacts`: writes what changed, deletes what is stale. */
export function writeArtifacts(dir: string, artifacts: Artifacts = renderArtifacts()): Drift[] {
  const drift = diffArtifacts(dir, artifacts)
  for (const { path: file, kind } of drift) {
    const target = path.join(dir, file)
    if (kind === 'extra') {
      rmSync(target)
      continue
    }
    mkdirSync(path.dirname(target), { recursive: true })
    writeFileSync(target, artifacts.get(file) ?? '')
  }
  return drift
}

function main(argv: string[]): number {
  const shown = path.relative(process.cwd(), GENERATED_DIR) || '.'
  if (argv.includes('--check')) {
    const drift = diffArtifacts(GENERATED_DIR)
    if (drift.length === 0) {
      console.log(`${shown} is up to date.`)
      return 0
    }
    console.error(`${shown} has drifted from contracts/src:`)
    for (const d of drift) console.error(`  ${d.kind.padEnd(7)} ${d.path}`)
    console.error('Run `npm run contracts:generate` and commit the result.')
    return 1
  }
  const drift = writeArtifacts(GENERATED_DIR)
  for (const d of drift) console.log(`  ${d.kind === 'extra' ? 'deleted' : 'wrote  '} ${d.path}`)
  console.log(
    `${shown}: ${drift.length === 0 ? 'already up to date' : `${drift.length} file(s) updated`}.`,
  )
  return 0
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2))
