import path from 'node:path'
import { ESLint } from 'eslint'
import type { Linter } from 'eslint'
import tseslint from 'typescript-eslint'
import { beforeAll, describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')
const NX_RULE = '@nx/enforce-module-boundaries'
const RESTRICTED = 'no-restricted-imports'

let eslint: ESLint

beforeAll(() => {
  // The snippets below never exist on disk, so the TypeScript project service cannot place
  // them in tsconfig.json. The boundary rules need the Nx graph, not types: lint them with
  // the real config minus type-aware parsing.
  eslint = new ESLint({
    cwd: root,
    overrideConfig: tseslint.configs.disableTypeChecked as Linter.Config,
  })
})

/** Lints `code` as if it lived at `file` (relative to the repo root). */
async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) })
  if (!result) throw new Error(`no lint result for ${file}`)
  const fatal = result.messages.filter((m) => m.fatal)
  expect(fatal, 'the snippet must parse, or no rule runs at all').toEqual([])
  return result.messages
}

function errors(messages: Linter.LintMessage[], ruleId: string): string[] {
  return messages.filter((m) => m.ruleId === ruleId && m.severity === 2).map((m) => m.message)
}

describe('module boundaries', { timeout: 60_000 }, () => {
  describe('contracts import only zod', () => {
    it('rejects kysely in contracts, by project tag and by path', async () => {
      const messages = await lint(
        'contracts/src/boundary-probe.ts',
        "import { sql } from 'kysely'\nexport const q = sql\n",
      )
      expect(errors(messages, NX_RULE)).toEqual([
        'A project tagged with "type:contracts" is not allowed to import "kysely"',
      ])
      expect(errors(messages, RESTRICTED)).toHaveLength(1)
    })

    it('accepts zod and relative imports in contracts', async () => {
      const messages = await lint(
        'contracts/src/boundary-probe.ts',
        "import { z } from 'zod'\nimport { EventId } from './envelope.ts'\nexport const s = z.object({ id: EventId })\n",
      )
      expect(errors(messages, NX_RULE)).toEqual([])
      expect(errors(messages, RESTRICTED)).toEqual([])
    })
  })

  describe('the domain is pure', () => {
    it('rejects @nestjs/common in a service domain folder', async () => {
      const messages = await lint(
        'services/guardian/src/domain/boundary-probe.ts',
        "import { Injectable } from '@nestjs/common'\nexport const d = Injectable\n",
      )
      expect(errors(messages, RESTRICTED)).toEqual([
        expect.stringContaining("'@nestjs/common' import is restricted"),
      ])
    })

    it.each([
      ['@tessera/service-kit', 'sha256Hex'],
      ['@tessera/event-store', 'EventStore'],
      ['@tessera/bus', 'runConsumer'],
      ['pg', 'Pool'],
      ['kysely', 'sql'],
      ['@nats-io/jetstream', 'jetstream'],
    ])('rejects %s in a service domain folder, at any depth', async (from, name) => {
      for (const file of [
        'services/guardian/src/domain/boundary-probe.ts',
        'services/pacts/src/domain/pact/boundary-probe.ts',
      ]) {
        const messages = await lint(
          file,
          `import { ${name} } from '${from}'\nexport const d = ${name}\n`,
        )
        expect(errors(messages, RESTRICTED), file).toEqual([
          expect.stringContaining(`'${from}' import is restricted`),
        ])
      }
    })

    it('rejects a type-only import of an IO lib too', async () => {
      const messages = await lint(
        'services/guardian/src/domain/boundary-probe.ts',
        "import type { SchemaDb } from '@tessera/event-store'\nexport type D = SchemaDb\n",
      )
      expect(errors(messages, RESTRICTED)).toHaveLength(1)
    })

    it('accepts the pure libs (conditions, crypto) in a service domain folder', async () => {
      const messages = await lint(
        'services/guardian/src/domain/boundary-probe.ts',
        "import { evaluate } from '@tessera/conditions'\nimport { sha256Hex } from '@tessera/crypto'\nexport const d = [evaluate, sha256Hex]\n",
      )
      expect(errors(messages, RESTRICTED)).toEqual([])
    })

    it('lets a domain spec use the testing helpers, and only a spec', async () => {
      const code = "import { spec } from '@tessera/testing'\nexport const d = spec\n"
      const spec = await lint('services/guardian/src/domain/boundary-probe.unit.spec.ts', code)
      expect(errors(spec, RESTRICTED)).toEqual([])
      const source = await lint('services/guardian/src/domain/boundary-probe.ts', code)
      expect(errors(source, RESTRICTED)).toEqual([
        expect.stringContaining("'@tessera/testing' import is restricted"),
      ])
    })

    it('accepts contracts in a service domain folder', async () => {
      const messages = await lint(
        'services/guardian/src/domain/boundary-probe.ts',
        "import { OrgCreated } from '@tessera/contracts'\nexport const d = OrgCreated\n",
      )
      expect(errors(messages, RESTRICTED)).toEqual([])
      expect(errors(messages, NX_RULE)).toEqual([])
    })

    it('still lets the service shell around the domain use Nest', async () => {
      const messages = await lint(
        'services/guardian/src/boundary-probe.ts',
        "import { Injectable } from '@nestjs/common'\nexport const d = Injectable\n",
      )
      expect(errors(messages, RESTRICTED)).toEqual([])
      expect(errors(messages, NX_RULE)).toEqual([])
    })
  })

  describe('a service never imports another service', () => {
    it('rejects guardian importing the scoring service by package name', async () => {
      const messages = await lint(
        'services/guardian/src/boundary-probe.ts',
        "import { score } from '@tessera/scoring-service'\nexport const s: unknown = score\n",
      )
      expect(errors(messages, NX_RULE)).toEqual([
        'A project tagged with "scope:guardian" can only depend on libs tagged with "scope:guardian", "scope:shared"',
      ])
    })

    it('rejects guardian reaching into the scoring folder by relative path', async () => {
      const messages = await lint(
        'services/guardian/src/boundary-probe.ts',
        "import { score } from '../../scoring/src/main.ts'\nexport const s: unknown = score\n",
      )
      expect(errors(messages, NX_RULE)).toEqual([
        'Projects cannot be imported by a relative or absolute path, and must begin with a npm scope',
      ])
    })

    it('accepts guardian importing shared contracts', async () => {
      const messages = await lint(
        'services/guardian/src/boundary-probe.ts',
        "import { OrgCreated } from '@tessera/contracts'\nexport const s = OrgCreated\n",
      )
      expect(errors(messages, NX_RULE)).toEqual([])
    })
  })
})
