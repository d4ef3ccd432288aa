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
import v8 from 'node:v8'
import vm from 'node:vm'
import { performance } from 'node:perf_hooks'
import { GuardPolicy, type GuardRule } from '@tessera/contracts'
import { DEFAULT_BUDGET, MAX_NODES, MAX_TESTED_LENGTH } from '@tessera/conditions'
// guardian's pure decision and policy compiler; its entry point starts the service, so the
// modules are imported by path (as guard.bench.ts does)
// eslint-disable-next-line no-restricted-imports -- see above
import {
  type CheckRequest,
  decideCheck,
} from '@tessera/guardian-service/src/domain/action/check.ts'
// eslint-disable-next-line no-restricted-imports -- see above
import {
  compileOrgPolicy,
  policyMeter,
} from '@tessera/guardian-service/src/domain/policy/org-policy.ts'
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
 * The worst accepted policy, built from DEFAULT_BUDGET. Every leaf is false on the document
 * below, so a check runs them all. First cheap leaves, as many as the body bound and the nodes
 * budget leave room for; then the evaluation-steps budget is filled with what costs most per
 * step: regexes of Unicode classes with no literal for re2js's prefilter, which hold more DFA
 * states than a regex's cache (so re2js walks its NFA), over a 4,096-letter parameter with no
 * digit; then the globs that backtrack most (`*aaa…ab` over `aaa…`), each as long as the steps
 * left allow; then the same regexes over the summary.
 */
function worstPolicy() {
  const expensive: Leaf[] = []
  const meter = policyMeter()
  const rule = (when: Leaf): GuardRule => ({ name: 'p', decision: 'deny', when })
  const tryAdd = (leaf: Leaf) => {
    const probe = policyMeter()
    for (const [k, v] of Object.entries(meter.used)) probe.charge(k as never, v, '')
    try {
      compileOrgPolicy({ timezone: 'UTC', rules: [rule(leaf)] }, probe)
    } catch {
      return false
    }
    compileOrgPolicy({ timezone: 'UTC', rules: [rule(leaf)] }, meter)
    expensive.push(leaf)
    return true
  }
  const cheap = (n: number) =>
    Array.from({ length: n }, (): Leaf => ({ path: '/params/n', op: 'gt', value: 1 }))
  const rules = (leaves: Leaf[]): GuardRule[] => {
    // ruleCondition wraps `when` in all: [...], so a rule holds MAX_NODES - 2 leaves
    const out: GuardRule[] = []
    for (let i = 0; i < leaves.length; i += MAX_NODES - 2) {
      out.push({
        name: `w${out.length}`,
        decision: 'deny',
        when: { any: leaves.slice(i, i + MAX_NODES - 2) },
      })
    }
    return out
  }
  // cheap leaves up to the body bound (less 8 KiB for the costly ones) or the nodes budget
  let fill = 0
  const fits = (n: number) =>
    JSON.stringify({ rules: rules(cheap(n)), timezone: 'UTC' }).length <= MAX_POLICY_BYTES - 8192 &&
    n + 2 * Math.ceil(n / (MAX_NODES - 2)) + 500 <= B.nodes
  while (fits(fill + 100)) fill += 100
  compileOrgPolicy({ timezone: 'UTC', rules: rules(cheap(fill)) }, meter)
  const made: Record<string, number> = {}
  const families: [string, (k: number) => Leaf, number][] = [
    ['\\p{L}{k}\\d over /params', (k) => matches(`\\p{L}{${k}}\\d`, '/params/letters'), 64],
    ['*a{k}b over /params', (k) => glob(`*${'a'.repeat(k)}b`, '/params/as'), 254],
    ['\\p{L}{k}\\d over /summary', (k) => matches(`\\p{L}{${k}}\\d`, '/summary'), 64],
  ]
  for (const [family, make, longest] of families) {
    made[family] = 0
    for (let k = longest; k >= 1; k--) while (tryAdd(make(k))) made[family]++
  }
  const final = rules([...expensive, ...cheap(fill)])
  const check = policyMeter()
  compileOrgPolicy({ timezone: 'UTC', rules: final }, check)
  return { rules: final, leaves: { ...made, cheapLeaves: fill }, used: check.used }
}

const matches = (regex: string, path: string): Leaf => ({ path, op: 'matches', regex })
const glob = (pattern: string, path: string): Leaf => ({ path, op: 'glob', pattern })

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
  toolInputSummary: 'é'.repeat(200),
  params: {
    letters: 'é'.repeat(MAX_TESTED_LENGTH),
    as: 'a'.repeat(MAX_TESTED_LENGTH),
    n: 0,
  },
}

/** A full GC, through V8's flag (tsx runs the bench, so `node --expose-gc` is out of reach). */
function collectGarbage() {
  v8.setFlagsFromString('--expose-gc')
  ;(vm.runInNewContext('gc') as () => void)()
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
  collectGarbage() // the garbage of building and compiling is not a check's to pay
  const heapBefore = process.memoryUsage().heapUsed
  const t0 = performance.now()
  const first = decideCheck(request, agent, undefined, policy, new Date())
  const coldMs = performance.now() - t0
  const checkMs: number[] = []
  const cpuMs: number[] = [] // this process's CPU time: what the check cost, less the machine's load
  for (let i = 0; i < p.checks; i++) {
    const cpu = process.cpuUsage()
    const t = performance.now()
    decideCheck(request, agent, undefined, policy, new Date())
    checkMs.push(performance.now() - t)
    const spent = process.cpuUsage(cpu)
    cpuMs.push((spent.user + spent.system) / 1000)
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
    checkCpuMs: latencySummary(cpuMs),
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
    what: "putParseMs: JSON.parse and zod parse of the PUT body; compileMs: compileOrgPolicy; a PUT does both (and a replica compiles once more when it loads the version). checkMs: decideCheck in-process, wall time, one check = every leaf of every rule evaluated (all false), on 4,096-character worst-case strings, after a forced GC; checkCpuMs: the same checks in this process's CPU time (GC threads included), less other jobs' share of a loaded machine.",
    worstAccepted: {
      leaves: worst.leaves,
      budgetUsed: worst.used,
      ...measure('worst accepted', worst.rules, p),
    },
    typical: measure('typical 2-rule', TYPICAL, p),
    issuePolicy: issuePolicyRefusal(),
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
}

main()
