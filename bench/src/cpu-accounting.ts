/**
 * Where the time goes during a measured load: CPU by process from /proc (the service, every
 * Postgres process split by pg_stat_activity, nats-server, the load generator, the rest of the
 * machine), Postgres and disk counters, and what the database's active sessions wait on.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import type pg from 'pg'
import { round, shares, sleep } from './cli.ts'

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** utime + stime of a process (all its threads), in clock ticks, and its command name. */
export function procStat(pid: number): ProcStat | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const close = s.lastIndexOf(')')
    const f = s.slice(close + 2).split(' ')
    // f[0] is field 3 (state); utime and stime are fields 14 and 15.
    const [utime, stime] = [Number(f[11]), Number(f[12])]
    return { comm: s.slice(s.indexOf('(') + 1, close), ticks: utime + stime, stime }
  } catch {
    return undefined
  }
}

function systemCpu() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    line.trim().split(/\s+/).slice(1).map(Number)
  return { user, nice, system, idle, iowait, irq, softirq, steal }
}

function diskWrites() {
  let sectors = 0
  let ios = 0
  for (const line of readFileSync('/proc/diskstats', 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/)
    // whole disks only (vda, sda, nvme0n1), not partitions
    if (!f[2] || !/^(?:[vsh]d[a-z]+|nvme\d+n\d+|xvd[a-z]+)$/.test(f[2])) continue
    ios += Number(f[7])
    sectors += Number(f[9])
  }
  return { ios, bytes: sectors * 512 }
}

export interface ProcStat {
  comm: string
  ticks: number
  /** The kernel's part of `ticks` (system calls: sockets, for a service). */
  stime: number
}
export type Procs = Map<number, ProcStat>
export type Backends = Map<number, { db: string | null; app: string; type: string }>

function scanProcs(): Procs {
  const procs: Procs = new Map()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const st = procStat(Number(name))
    if (st) procs.set(Number(name), st)
  }
  return procs
}

async function pgBackends(client: pg.Client): Promise<Backends> {
  const { rows } = await client.query<{
    pid: number
    db: string | null
    app: string
    type: string
  }>(
    `select pid, datname as db, application_name as app, backend_type as type from pg_stat_activity`,
  )
  return new Map(rows.map((b) => [b.pid, b]))
}

export interface Snapshot {
  at: number
  /** CLOCK_MONOTONIC in µs, the clock of V8 CPU profiles. */
  monotonicUs: number
  system: ReturnType<typeof systemCpu>
  procs: Procs
  self: NodeJS.CpuUsage
  disk: ReturnType<typeof diskWrites>
  pgBackends: Backends
  wal: Record<string, number>
  db: Record<string, number>
}

export async function snapshot(sampler: pg.Client, dbName: string): Promise<Snapshot> {
  const procs = scanProcs()
  const backends = await pgBackends(sampler)
  const wal = await sampler.query<Record<string, string>>(
    `select wal_records, wal_fpi, wal_bytes, wal_buffers_full, wal_write, wal_sync from pg_stat_wal`,
  )
  const db = await sampler.query<Record<string, string>>(
    `select xact_commit, xact_rollback, tup_inserted, tup_deleted, blks_read, blks_hit
     from pg_stat_database where datname = $1`,
    [dbName],
  )
  const nums = (row: Record<string, string> | undefined) =>
    Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]))
  return {
    at: performance.now(),
    monotonicUs: Number(process.hrtime.bigint() / 1000n),
    system: systemCpu(),
    procs,
    self: process.cpuUsage(),
    disk: diskWrites(),
    pgBackends: backends,
    wal: nums(wal.rows[0]),
    db: nums(db.rows[0]),
  }
}

/** Processes and backends seen by a sampler during the load count even if gone at the end. */
export function mergeSeen(after: Snapshot, procsSeen: Procs, backendsSeen: Backends): void {
  for (const [pid, st] of procsSeen) if (!after.procs.has(pid)) after.procs.set(pid, st)
  for (const [pid, b] of backendsSeen) if (!after.pgBackends.has(pid)) after.pgBackends.set(pid, b)
}

export interface CpuReportOptions {
  servicePid: number
  /** `ingestProcess`: the key of the service's share, here and per unit. */
  serviceKey: string
  dbName: string
  /** What the load achieved, e.g. accepted events: CPU is also reported per unit. */
  units: number
  /** `cpuMicrosecondsPerAcceptedEvent` */
  perUnitKey: string
  perUnitWhat: string
}

export function cpuReport(a: Snapshot, b: Snapshot, o: CpuReportOptions) {
  const seconds = (b.at - a.at) / 1000
  const coreShare = (ticks: number) => round(ticks / CLK_TCK / seconds, 3)
  const delta = (pid: number) => {
    const after = b.procs.get(pid)
    if (!after) return 0
    return after.ticks - (a.procs.get(pid)?.ticks ?? 0)
  }
  const backends = new Map([...a.pgBackends, ...b.pgBackends])
  const postgres = new Map<string, number>()
  let postgresTotal = 0
  let nats = 0
  const others: { pid: number; comm: string; ticks: number }[] = []
  for (const [pid, { comm }] of b.procs) {
    const d = delta(pid)
    if (pid === o.servicePid || pid === process.pid || d <= 0) continue
    if (comm === 'postgres') {
      postgresTotal += d
      const be = backends.get(pid)
      const key = !be
        ? 'postmaster and unlisted'
        : be.db === null
          ? be.type
          : be.db !== o.dbName
            ? 'other databases (not this benchmark)'
            : `${be.app || be.type} (${o.dbName})`
      postgres.set(key, (postgres.get(key) ?? 0) + d)
    } else if (comm === 'nats-server') nats += d
    else others.push({ pid, comm, ticks: d })
  }
  const sys = (k: keyof Snapshot['system']) => b.system[k] - a.system[k]
  const total = Object.keys(b.system).reduce((s, k) => s + sys(k as keyof Snapshot['system']), 0)
  const busy = total - sys('idle') - sys('iowait')
  const selfMicros = b.self.user + b.self.system - (a.self.user + a.self.system)
  const selfTicks = (selfMicros / 1e6) * CLK_TCK
  const serviceTicks = delta(o.servicePid)
  const attributed = serviceTicks + postgresTotal + nats + selfTicks
  const perUnit = (ticks: number) => (o.units ? round((ticks / CLK_TCK / o.units) * 1e6, 1) : null)
  return {
    what: "CPU used during the measured load, in cores (1 = one core fully busy; this machine has os.cpus().length). From /proc/<pid>/stat utime+stime (all threads) and /proc/stat; the load generator's from process.cpuUsage()",
    seconds: round(seconds, 2),
    machineBusyCores: coreShare(busy),
    machineCores: {
      user: coreShare(sys('user') + sys('nice')),
      system: coreShare(sys('system')),
      softirq: coreShare(sys('softirq') + sys('irq')),
      iowait: coreShare(sys('iowait')),
      steal: coreShare(sys('steal')),
      idle: coreShare(sys('idle')),
    },
    [o.serviceKey]: coreShare(serviceTicks),
    postgres: coreShare(postgresTotal),
    postgresBy: Object.fromEntries(
      [...postgres].sort((x, y) => y[1] - x[1]).map(([k, t]) => [k, coreShare(t)]),
    ),
    natsServer: coreShare(nats),
    loadGenerator: coreShare(selfTicks),
    /** Other processes, and kernel time not charged to a process (softirq: loopback TCP). */
    everythingElse: coreShare(Math.max(0, busy - attributed)),
    [o.perUnitKey]: {
      what: o.perUnitWhat,
      [o.serviceKey]: perUnit(serviceTicks),
      postgres: perUnit(postgresTotal),
      natsServer: perUnit(nats),
      loadGenerator: perUnit(selfTicks),
    },
    topOtherProcesses: others
      .sort((x, y) => y.ticks - x.ticks)
      .slice(0, 5)
      .map((x) => ({ pid: x.pid, comm: x.comm, cores: coreShare(x.ticks) })),
  }
}

/**
 * CPU per unit of work between two snapshots, by process: this one (all its threads: a bench
 * that runs the code under test in process), every Postgres process, nats-server. On a shared
 * machine these are steadier than a rate, and their sum is what the work costs the machine.
 */
export function cpuPerUnit(a: Snapshot, b: Snapshot, units: number) {
  let postgres = 0
  let nats = 0
  for (const [pid, { comm, ticks }] of b.procs) {
    const d = ticks - (a.procs.get(pid)?.ticks ?? 0)
    if (comm === 'postgres') postgres += d
    else if (comm === 'nats-server') nats += d
  }
  const self = ((b.self.user + b.self.system - a.self.user - a.self.system) / 1e6) * CLK_TCK
  const micros = (t: number) => round((t / CLK_TCK / Math.max(units, 1)) * 1e6, 1)
  return {
    what: 'CPU µs per unit, from /proc: this process (process.cpuUsage), every postgres process on the machine (other databases too; processes that ended between the two snapshots are missed), nats-server',
    thisProcess: micros(self),
    postgres: micros(postgres),
    natsServer: micros(nats),
    total: micros(self + postgres + nats),
  }
}

/** Postgres and disk counters; `walPerUnitKey` names WAL bytes per unit (null without units). */
export function ioReport(a: Snapshot, b: Snapshot, units: number, walPerUnitKey: string) {
  const seconds = (b.at - a.at) / 1000
  const d = (x: Record<string, number>, y: Record<string, number>, k: string) =>
    (y[k] ?? 0) - (x[k] ?? 0)
  const walBytes = d(a.wal, b.wal, 'wal_bytes')
  const commits = d(a.db, b.db, 'xact_commit')
  return {
    what: 'Postgres and disk counters over the measured load. pg_stat_wal and the disk are cluster- and machine-wide; pg_stat_database is this database only',
    walMBPerSecond: round(walBytes / 1e6 / seconds, 1),
    [walPerUnitKey]: units ? round(walBytes / units) : null,
    walFullPageImages: d(a.wal, b.wal, 'wal_fpi'),
    walWrites: d(a.wal, b.wal, 'wal_write'),
    walSyncs: d(a.wal, b.wal, 'wal_sync'),
    walBuffersFull: d(a.wal, b.wal, 'wal_buffers_full'),
    commitsPerSecond: round(commits / seconds),
    rowsInsertedPerSecond: round(d(a.db, b.db, 'tup_inserted') / seconds),
    diskWriteMBPerSecond: round((b.disk.bytes - a.disk.bytes) / 1e6 / seconds, 1),
    diskWriteIOsPerSecond: round((b.disk.ios - a.disk.ios) / seconds),
  }
}

export interface ActivityOptions {
  /** The `what` of the waits report: which application is which. */
  what: string
  /** Runs every second after the process scan, e.g. to sample a backlog. */
  everySecond?: () => Promise<void>
}

/**
 * Every 100 ms: what this database's active sessions wait on, by application, and the WAL
 * writer, checkpointer, background writer and autovacuum workers when not idle. Every second:
 * the processes and backends alive, so those that end before the load does still count.
 */
export function sampleActivity(sampler: pg.Client, dbName: string, o: ActivityOptions) {
  const waits = new Map<string, Map<string, number>>()
  const procsSeen: Procs = new Map()
  const backendsSeen: Backends = new Map()
  let ticks = 0
  let running = true
  const loop = (async () => {
    while (running) {
      const { rows } = await sampler.query<{ app: string; w: string; n: number }>(
        `select coalesce(nullif(application_name, ''), backend_type) as app,
           coalesce(wait_event_type || ':' || wait_event, 'CPU') as w, count(*)::int as n
         from pg_stat_activity
         where pid <> pg_backend_pid()
           and ((datname = $1 and state = 'active')
             or (backend_type in ('walwriter', 'checkpointer', 'background writer', 'autovacuum worker')
               and coalesce(wait_event_type, '') <> 'Activity'))
         group by 1, 2`,
        [dbName],
      )
      ticks++
      for (const r of rows) {
        const m = waits.get(r.app) ?? new Map<string, number>()
        m.set(r.w, (m.get(r.w) ?? 0) + r.n)
        waits.set(r.app, m)
      }
      if (ticks % 10 === 0) {
        for (const [pid, st] of scanProcs()) procsSeen.set(pid, st)
        for (const [pid, b] of await pgBackends(sampler)) backendsSeen.set(pid, b)
        await o.everySecond?.()
      }
      await sleep(100)
    }
  })()
  // Clean-up may end the client under a running query (a signal, an error): stop() rethrows,
  // but a loop nobody awaits any more must not crash the process on its way out.
  loop.catch(() => undefined)
  return async () => {
    running = false
    await loop
    const byApp: Record<string, unknown> = {}
    for (const [app, m] of [...waits].sort()) {
      const n = [...m.values()].reduce((s, v) => s + v, 0)
      byApp[app] = { averageActive: round(n / Math.max(1, ticks), 2), waits: shares(m, n) }
    }
    return {
      procsSeen,
      backendsSeen,
      postgresWaits: { what: o.what, samples: ticks, byApplication: byApp },
    }
  }
}
