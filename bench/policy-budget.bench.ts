/**
 * The guard-policy cost budget (issue 9): the worst policy the budget accepts, built on
 * purpose at its limits and under the 256 KiB body bound, against a typical 2-rule policy.
 * For each: the compile time (zod parse of the PUT body + compileOrgPolicy, as a PUT does) and
 * the p50/p99/max of one check (in-process decideCheck over a document made to be each
 * pattern's worst input), with the heap before and after. Also: how long refusing the issue's
 * 55 KB policy of 900 `\p{L}{…}` regexes takes. One JSON document goes to stdout; progress to
 * stderr. No database, no network.
 *
 *   npx tsx bench/policy-budget.bench.ts [--checks N] [--compiles N] [--help]
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { GuardPolicy, type GuardRule } from '@tessera/contracts'
import { CostMeter, DEFAULT_BUDGET, MAX_NODES, MAX_TESTED_LENGTH } from '@tessera/conditions'
// guardian's pure decision and policy compiler; its entry point starts the service, so the
// modules are imported by path (as guard.bench.ts does)
// eslint-disable-next-line no-restricted-imports -- see above
import {
  type CheckRequest,
  decideCheck,
} from '@tessera/guardian-service/src/domain/action/check.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import { compileOrgPolicy } from '@tessera/guardian-service/src/domain/policy/org-policy.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import { MAX_POLICY_BYTES } from '@tessera/guardian-service/src/policies/policies.controller.ts'
import { parseOptions, percentile, progress, round } from './src/cli.ts'
import { latencySummary } from './src/http-load.ts'

const OPTIONS = {
  checks: { env: 'BENCH_CHECKS', def: 300, help: 'checks timed per policy (after 1 cold one)' },
  compiles: { env: 'BENCH_COMPILES', def: 10, help: 'compiles timed per policy' },
} as const

type Leaf = NonNullable<GuardRule['when']>
const B = DEFAULT_BUDGET

/**
 * The worst accepted policy. Every leaf is false on the document below, so a check runs them
 * all: regexes that keep the DFA from settling (`\p{L}` classes and bounded repeats over a
 * string of letters with no digit), globs that backtrack most (`*a*a…*b` over `aaa…`), and the
 * rest of the body filled with cheap leaves. Each budget is filled to its limit or as near
 * as the body bound lets it.
 */
function worstPolicy() {
  const leaves: Leaf[] = []
  const meter = new CostMeter()
  const tryAdd = (leaf: Leaf) => {
    const probe = new CostMeter()
    for (const [k, v] of Object.entries(meter.used)) probe.charge(k as never, v, '')
    try {
      compileOrgPolicy(
        { timezone: 'UTC', rules: [{ name: 'p', decision: 'deny', when: leaf }] },
        probe,
      )
    } catch {
      return false
    }
    compileOrgPolicy(
      { timezone: 'UTC', rules: [{ name: 'p', decision: 'deny', when: leaf }] },
      meter,
    )
    leaves.push(leaf)
    return true
  }
  const matches = (regex: string): Leaf => ({ path: '/params/letters', op: 'matches', regex })
  const glob = (pattern: string): Leaf => ({ path: '/params/as', op: 'glob', pattern })
  // Unicode classes and bounded repeats with no literal for re2js's prefilter to find, which
  // hold more DFA states than a regex's cache, until the instruction budget;
  // the longest backtracking glob until the glob budget
  const made: Record<string, number> = {}
  for (const leaf of [
    matches('\\p{L}.{0,24}\\d'),
    matches('.{0,60}\\d'),
    matches('.{0,6}\\d'),
    glob(`${'*a'.repeat(127)}b`),
    glob('*a*b'),
  ]) {
    const key = 'regex' in leaf ? leaf.regex : 'pattern' in leaf ? leaf.pattern.slice(0, 12) : ''
    made[key] = 0
    while (tryAdd(leaf)) made[key]++
  }
  const rules = (fill: number): GuardRule[] => {
    const all = [
      ...leaves,
      ...Array.from({ length: fill }, (): Leaf => ({ path: '/params/n', op: 'gt', value: 1 })),
    ]
    // ruleCondition wraps `when` in all: [...], so a rule holds MAX_NODES - 2 leaves
    const out: GuardRule[] = []
    for (let i = 0; i < all.length; i += MAX_NODES - 2) {
      out.push({
        name: `w${out.length}`,
        decision: 'deny',
        when: { any: all.slice(i, i + MAX_NODES - 2) },
      })
    }
    return out
  }
  // cheap leaves up to the body bound (a policy's nodes budget is out of reach under it)
  let fill = 0
  while (JSON.stringify({ rules: rules(fill + 500), timezone: 'UTC' }).length <= MAX_POLICY_BYTES)
    fill += 500
  const final = rules(fill)
  const check = new CostMeter()
  compileOrgPolicy({ timezone: 'UTC', rules: final }, check)
  return {
    rules: final,
    leaves: { ...made, cheapLeaves: fill },
    used: check.used,
    steps: check.worstCaseSteps(),
  }
}

/** The docs' example: large transfers, and db tools after hours. */
const TYPICAL: GuardRule[] = [
  {
    name: 'large-transfers',
    decision: 'deny',
    tools: ['transfer_funds'],
    when: { path: '/params/amount', op: 'gt', value: 500 },
  },
  {
    name: 'db-after-hours',
    decision: 'elevation_required',
    tools: ['db_*'],
    when: {
      any: [
        { not: { path: '/time/hour', op: 'between', min: 9, max: 16 } },
        { path: '/time/weekday', op: 'gt', value: 5 },
      ],
    },
  },
]

const agent = {
  agentId: 'agt_bench',
  orgId: 'org_bench',
  status: 'active' as const,
  capabilities: ['*:*', 'web:*'],
}
const request: CheckRequest = {
  agentId: 'agt_bench',
  action: 'tool_call',
  toolName: 'web_search',
  params: {
    letters: 'é'.repeat(MAX_TESTED_LENGTH),
    as: 'a'.repeat(MAX_TESTED_LENGTH),
    n: 0,
  },
}

function measure(name: string, rules: GuardRule[], p: Record<keyof typeof OPTIONS, number>) {
  const body = JSON.stringify({ rules, timezone: 'UTC', approvalWindowSeconds: 300 })
  const parseMs: number[] = []
  const compileMs: number[] = []
  let policy = compileOrgPolicy({ timezone: 'UTC', rules })
  for (let i = 0; i < p.compiles; i++) {
    const t0 = performance.now()
    const parsed = GuardPolicy.parse(JSON.parse(body))
    const t1 = performance.now()
    policy = compileOrgPolicy(parsed)
    parseMs.push(t1 - t0)
    compileMs.push(performance.now() - t1)
  }
  const heapBefore = process.memoryUsage().heapUsed
  const t0 = performance.now()
  const first = decideCheck(request, agent, undefined, policy, new Date())
  const coldMs = performance.now() - t0
  const checkMs: number[] = []
  for (let i = 0; i < p.checks; i++) {
    const t = performance.now()
    decideCheck(request, agent, undefined, policy, new Date())
    checkMs.push(performance.now() - t)
  }
  const heapAfter = process.memoryUsage().heapUsed
  progress(`${name}: check p99 ${round(percentile(Float64Array.from(checkMs).sort(), 99), 3)} ms`)
  return {
    bodyBytes: body.length,
    rules: rules.length,
    decision: { decision: first.decision, rule: first.rule },
    putParseMs: latencySummary(parseMs),
    compileMs: latencySummary(compileMs),
    firstCheckMs: round(coldMs, 3),
    checkMs: latencySummary(checkMs),
    heapMiB: {
      beforeChecks: round(heapBefore / 2 ** 20, 1),
      afterChecks: round(heapAfter / 2 ** 20, 1),
    },
  }
}

function issuePolicyRefusal() {
  const leaves = Array.from({ length: 900 }, (_, i): Leaf => ({
    path: '/params/text',
    op: 'matches',
    regex: `\\p{L}{${1000 - (i % 100)}}`,
  }))
  const rules: GuardRule[] = [{ name: 'letters', decision: 'deny', when: { any: leaves } }]
  const t0 = performance.now()
  let refused = ''
  try {
    compileOrgPolicy({ timezone: 'UTC', rules })
  } catch (err) {
    refused = (err as { code?: string }).code ?? String(err)
  }
  return {
    bodyBytes: JSON.stringify({ rules }).length,
    refusedWith: refused,
    refuseMs: round(performance.now() - t0, 2),
  }
}

function main() {
  const p = parseOptions('bench/policy-budget.bench.ts', OPTIONS, process.argv.slice(2))
  progress('building the worst policy the budget accepts')
  const worst = worstPolicy()
  const report = {
    benchmark: 'policy-budget',
    command: `npx tsx bench/policy-budget.bench.ts ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      loadAverageBefore: os.loadavg().map((l) => round(l, 2)),
    },
    parameters: p,
    budget: { ...B, maxPolicyBytes: MAX_POLICY_BYTES, maxTestedLength: MAX_TESTED_LENGTH },
    what: 'putParseMs: JSON.parse and zod parse of the PUT body; compileMs: compileOrgPolicy; a PUT does both (and a replica compiles once more when it loads the version). checkMs: decideCheck in-process, one check = every leaf of every rule evaluated (all false), on 4,096-character worst-case strings.',
    worstAccepted: {
      leaves: worst.leaves,
      budgetUsed: worst.used,
      worstCaseSteps: worst.steps,
      ...measure('worst accepted', worst.rules, p),
    },
    typical: measure('typical 2-rule', TYPICAL, p),
    issuePolicy: issuePolicyRefusal(),
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
}

main()
