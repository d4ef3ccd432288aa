/** A summary of the service's V8 CPU profile (`--cpu-prof`) over a window of the run. */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { round } from './cli.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)'
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (nm) return nm[1]!
  if (url.startsWith('node:')) return url.split('/')[0]!
  const ours = /\/(libs|services|contracts|infra)\/([^/]+)\//.exec(url)
  if (ours) return ours[1] === 'contracts' ? 'contracts' : `${ours[1]}/${ours[2]}`
  return url
}

/**
 * Self time by package and by function, and inclusive time of the project's own functions,
 * for the samples taken between `fromUs` and `toUs` (V8 profile times and process.hrtime share
 * CLOCK_MONOTONIC on Linux). `roots` are the checkouts whose files count as the project's;
 * their paths are cut from the labels. With `callersOfTop`, the self time of that many top
 * functions is also split by the nearest caller in a package or the project's code (`writev`:
 * fastify's replies or pg's queries).
 */
export function summariseProfile(
  dir: string,
  fromUs: number,
  toUs: number,
  roots: string[],
  opts: { callersOfTop?: number } = {},
) {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
  if (!file) return { error: `no .cpuprofile in ${dir}` }
  const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile
  const byId = new Map(prof.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const label = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame
    // tsx's transpiled modules report line 0 for everything: the file alone says more.
    let file = url.replace(/^file:\/\//, '')
    for (const root of roots) file = file.replace(`${root}/`, '')
    const where = url ? (lineNumber > 0 ? `${file}:${lineNumber + 1}` : file) : ''
    return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`
  }
  const selfArea = new Map<string, number>()
  const selfFn = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const callers = new Map<string, Map<string, number>>()
  /** The first frame above `node` that is neither native nor Node's own. */
  const callerOf = (node: ProfileNode) => {
    for (let id = parent.get(node.id); id !== undefined; id = parent.get(id)) {
      const { url, functionName } = byId.get(id)!.callFrame
      if (url && !url.startsWith('node:')) return `${areaOf(url, functionName)}: ${functionName}`
    }
    return '(none)'
  }
  let t = prof.startTime
  let total = 0
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i] ?? 0
    const dt = prof.timeDeltas[i + 1] ?? 0
    if (t < fromUs || t > toUs) continue
    const node = byId.get(prof.samples[i]!)
    if (!node) continue
    total += dt
    const { url, functionName } = node.callFrame
    const area = areaOf(url, functionName)
    selfArea.set(area, (selfArea.get(area) ?? 0) + dt)
    selfFn.set(label(node), (selfFn.get(label(node)) ?? 0) + dt)
    if (opts.callersOfTop) {
      const m = callers.get(label(node)) ?? new Map<string, number>()
      const c = callerOf(node)
      m.set(c, (m.get(c) ?? 0) + dt)
      callers.set(label(node), m)
    }
    const seen = new Set<string>()
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!
      const u = n.callFrame.url
      const ours = roots.some((root) => u.includes(`${root}/`))
      if (!ours || u.includes('node_modules')) continue
      const l = label(n)
      if (seen.has(l)) continue
      seen.add(l)
      inclusive.set(l, (inclusive.get(l) ?? 0) + dt)
    }
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({
        what: k,
        ms: round(us / 1000),
        share: round(us / Math.max(1, total), 3),
      }))
  return {
    file: path.join(dir, file),
    sampledMs: round(total / 1000),
    selfTimeByPackage: top(selfArea, 20),
    selfTimeByFunction: top(selfFn, 25),
    inclusiveTimeOfProjectFunctions: top(inclusive, 25),
    ...(opts.callersOfTop && {
      selfTimeOfTopFunctionsByCaller: top(selfFn, opts.callersOfTop).map((f) => ({
        ...f,
        callers: top(callers.get(f.what) ?? new Map<string, number>(), 6),
      })),
    }),
  }
}
