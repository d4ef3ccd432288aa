// @ts-check
import js from '@eslint/js'
import nx from '@nx/eslint-plugin'
import { createProjectGraphAsync } from '@nx/devkit'
import prettier from 'eslint-config-prettier'
import { defineConfig } from 'eslint/config'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// @nx/enforce-module-boundaries only reads a *cached* project graph and silently skips
// itself when there is none. Computing it here (no daemon, see nx.json) makes every lint
// run see the projects as they are now, and fail loudly if the graph cannot be built.
await createProjectGraphAsync({ exitOnError: false })

/** Services: one Nest app each, each its own Nx project tagged `scope:<svc>`. */
const SERVICE_SCOPES = ['ingest', 'guardian', 'pacts', 'escrow', 'jury', 'scoring', 'gateway']

/** What framework and IO code looks like; the pure domain must not import it. */
const DOMAIN_BANNED = ['@nestjs/*', 'kysely', 'kysely/*', 'pg', 'pg/*', '@nats-io/*']

/** The only workspace libs a domain folder may import: contracts and pure helpers. */
const DOMAIN_LIBS = [
  '@tessera/contracts',
  '@tessera/conditions',
  '@tessera/crypto',
  '@tessera/settlement',
]

/** Tests and generators inside contracts may use these, the schemas themselves may not. */
const CONTRACTS_TOOLING = ['vitest', 'vitest/*', 'fast-check', 'yaml']

/**
 * Tags → what a project may depend on. Every tag a project carries must match at least one
 * constraint, and every matching constraint must hold. `tests` loosens it for test files and
 * generators: they may use the testing helpers, and contracts may use test/tooling packages.
 * @param {{ tests: boolean }} options
 */
function depConstraints({ tests }) {
  const testing = tests ? ['type:testing'] : []
  return [
    // a service never imports another service: scopes only reach themselves and shared code
    ...SERVICE_SCOPES.map((svc) => ({
      sourceTag: `scope:${svc}`,
      onlyDependOnLibsWithTags: [`scope:${svc}`, 'scope:shared'],
    })),
    {
      sourceTag: 'type:contracts',
      onlyDependOnLibsWithTags: [],
      allowedExternalImports: ['zod', 'zod/*', ...(tests ? CONTRACTS_TOOLING : [])],
    },
    {
      sourceTag: 'type:lib',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:lib', 'type:infra', ...testing],
    },
    {
      sourceTag: 'type:infra',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:lib', 'type:infra', ...testing],
    },
    {
      sourceTag: 'type:testing',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:lib', 'type:testing', 'type:infra'],
    },
    {
      sourceTag: 'type:service',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:lib', 'type:infra', 'type:testing'],
    },
    // black-box suites: anything, but services only through their package entry point
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
    { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['*'] },
    // examples use Tessera as its users do: the SDK and the pure libs, never a service
    { sourceTag: 'type:example', onlyDependOnLibsWithTags: ['type:contracts', 'type:lib'] },
  ]
}

/**
 * What a file under `services/<svc>/src/domain/` may not import: framework and IO packages,
 * and any workspace lib but contracts and the pure helpers (service-kit, event-store, bus…
 * belong to the shell around the domain).
 * @param {{ tests: boolean }} options
 */
function domainPurity({ tests }) {
  const allowed = [...DOMAIN_LIBS, ...(tests ? ['@tessera/testing'] : [])]
  return /** @type {const} */ ([
    'error',
    {
      patterns: [
        {
          group: [...DOMAIN_BANNED, 'fastify', 'fastify/*', '@fastify/*'],
          message:
            'domain code is pure: no Nest, kysely, pg, NATS or fastify. Pass what it needs in.',
        },
        {
          group: ['@tessera/*', ...allowed.map((lib) => `!${lib}`)],
          message: `domain code imports no IO lib (service-kit, event-store, bus…), only ${allowed.join(', ')}.`,
        },
      ],
    },
  ])
}

/** @param {{ tests: boolean }} options */
function boundaries(options) {
  return /** @type {const} */ ([
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      // A lib's tests use libs/testing, which uses the lib: the graph (which counts test
      // files) sees a cycle. Production code cannot import type:testing (constraints above),
      // so a cycle through a testing project is always a test-only one.
      ignoredCircularDependencies: [['tag:type:testing', '*']],
      // The lazy-loading check is about bundle splitting; Node entry points use `await
      // import()` only to order start-up (instrumentation before the modules it patches).
      checkDynamicDependenciesExceptions: ['@tessera/**'],
      depConstraints: depConstraints(options),
    },
  ])
}

export default defineConfig(
  {
    name: 'tessera/ignores',
    ignores: [
      '**/node_modules/',
      '**/dist/',
      '**/coverage/',
      '.nx/',
      'tmp/',
      '.tessera/',
      'contracts/generated/',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
      '!eslint.config.js',
    ],
  },
  {
    name: 'tessera/eslint-config',
    files: ['eslint.config.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'tessera/typescript',
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@nx/enforce-module-boundaries': boundaries({ tests: false }),
    },
  },
  {
    // STYLE.md: migrations are typed Kysely<any>, because they are frozen in time
    name: 'tessera/migrations',
    files: ['**/migrations/**/*.ts', '**/migrations.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // tests and code generators may use test and tooling packages inside contracts too
    name: 'tessera/boundaries-tests-and-tooling',
    files: ['**/*.spec.ts', 'contracts/scripts/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ tests: true }),
    },
  },
  {
    // belt and braces: the same rule without the project graph
    name: 'tessera/contracts-only-zod',
    files: ['contracts/**/*.ts'],
    ignores: ['contracts/scripts/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod(/|$)|\\.{1,2}/)',
              message: 'contracts import only zod (and each other, by relative path).',
            },
          ],
        },
      ],
    },
  },
  {
    // The pure domain inside each service. Nx sees a domain folder as part of its service's
    // project, so no tag can hold it; this rule does, by path (infra/lint proves it fires).
    name: 'tessera/domain-is-pure',
    files: ['services/*/src/domain/**/*.ts'],
    rules: { 'no-restricted-imports': domainPurity({ tests: false }) },
  },
  {
    // a domain's specs may use the testing helpers too
    name: 'tessera/domain-is-pure-tests',
    files: ['services/*/src/domain/**/*.spec.ts'],
    rules: { 'no-restricted-imports': domainPurity({ tests: true }) },
  },
  {
    // black-box suites reach services only through their public entry point
    name: 'tessera/no-service-internals',
    files: ['e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@tessera/[^/]+-service/.+',
              message: 'import a service only through its package entry point, not its internals.',
            },
            {
              regex: '(^|/)services/',
              message: 'import a service only through its package entry point, not its internals.',
            },
          ],
        },
      ],
    },
  },
  prettier,
)
