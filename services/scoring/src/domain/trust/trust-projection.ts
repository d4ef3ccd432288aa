import type { AnomalyFlag, TrustExplanation, TrustProfile } from '@tessera/contracts'
import { canonicalJson } from '@tessera/crypto'
import { type TradeFacts, detectAnomalies, edgesOf, isSuspicious, tradeOf } from './anomaly.ts'
import { type Evidence, type Link, linksOf } from './evidence.ts'
import { type ModelParameters, computeProfile, profileOf } from './trust-model.ts'
import { type TelemetryDay, mergeDays, movesProfile, telemetryEvidence } from './telemetry.ts'

/**
 * How the trust profiles stay a function of the evidence SET (order- and batch-insensitive):
 * a batch adds its evidence, then every agent it touches is recomputed from all of its evidence,
 * together with the agents its suspicious trades (or previously flagged ones) connect it to,
 * since a flag depends on the trade graph around it. The same code runs on Postgres (the
 * service) and in memory (the property test and the bench).
 */
export interface EvidenceStore {
  /** Adds what is not there yet; returns the keys that got evidence they did not have. */
  add(evidence: readonly Evidence[], links: readonly Link[]): Promise<string[]>
  /**
   * Adds telemetry counts to the agents' days (sums: the caller delivers each record once);
   * returns the agents for which a day now reads differently (`movesProfile`).
   */
  addTelemetry(days: readonly TelemetryDay[]): Promise<string[]>
  /** The agents linked to any of these keys. */
  agentsOf(keys: readonly string[]): Promise<string[]>
  /** Every evidence whose key is linked to one of these agents. */
  evidenceOf(agents: readonly string[]): Promise<Evidence[]>
  /** Counterparties whose trades with these agents were flagged at the last computation. */
  flaggedCounterparties(agents: readonly string[]): Promise<string[]>
  write(profiles: readonly StoredProfile[]): Promise<void>
}

export interface StoredProfile {
  agentId: string
  orgId: string
  compositeScore: number
  bondTier: number
  flaggedCounterparties: string[]
  /** The profile's `did:key`, if the agent has one: a lookup column. */
  did: string | null
  /** The profile's handle without its `A-`, if any: a lookup column. */
  handle: string | null
  /** canonical JSON: what a rebuild must reproduce byte for byte. */
  profileJson: string
}

/** The component of suspicious trades is not followed beyond this many agents. */
export const MAX_COMPONENT = 500

export async function applyEvidence(
  store: EvidenceStore,
  evidence: readonly Evidence[],
): Promise<string[]> {
  if (evidence.length === 0) return []
  // Evidence already stored was recomputed when it went in (or will be, by the rebuild that is
  // refilling it): a redelivered batch recomputes nothing.
  const fresh = await store.add(evidence, evidence.flatMap(linksOf))
  return fresh.length === 0 ? [] : recompute(store, await store.agentsOf(fresh))
}

/** Telemetry days counted in, then the agents they concern recomputed. */
export async function applyTelemetry(
  store: EvidenceStore,
  days: readonly TelemetryDay[],
): Promise<string[]> {
  if (days.length === 0) return []
  const moved = await store.addTelemetry(days)
  return moved.length === 0 ? [] : recompute(store, moved)
}

async function recompute(store: EvidenceStore, agents: readonly string[]): Promise<string[]> {
  const touched = new Set(agents)
  // Grow to the agents that suspicious or flagged trades connect; each agent's evidence is
  // loaded once.
  const loaded = new Map<string, Evidence>()
  const load = async (agents: readonly string[]) => {
    for (const e of await store.evidenceOf(agents)) loaded.set(`${e.id}|${e.key}`, e)
  }
  let frontier = [...touched]
  await load(frontier)
  while (frontier.length > 0 && touched.size <= MAX_COMPONENT) {
    // Only the frontier's edges are new: an agent's evidence holds every escrow it is party to,
    // so the edges of agents met earlier were complete, and judged, when they were the frontier.
    const near = new Set(frontier)
    const trades = tradesOf([...loaded.values()]).filter(
      (t) => near.has(t.buyer) || near.has(t.seller),
    )
    const next = new Set<string>()
    for (const e of edgesOf(trades))
      if (isSuspicious(e)) {
        if (!touched.has(e.buyer)) next.add(e.buyer)
        if (!touched.has(e.seller)) next.add(e.seller)
      }
    for (const a of await store.flaggedCounterparties(frontier)) if (!touched.has(a)) next.add(a)
    frontier = [...next]
    for (const a of frontier) touched.add(a)
    if (frontier.length > 0) await load(frontier)
  }
  const all = [...loaded.values()]
  const profiles = profilesOf([...touched], all)
  await store.write(profiles)
  return [...touched].sort()
}

/**
 * Every agent's profile from the whole evidence set: the rebuild. `model` overrides a parameter
 * of the model, for a bench to measure it (`AgentEvidence.perBuyerCap`); the service passes none.
 */
export function rebuildAll(
  evidence: readonly Evidence[],
  model: ModelParameters = {},
): StoredProfile[] {
  const agents = new Set<string>()
  for (const ev of evidence) for (const l of linksOf(ev)) agents.add(l.agentId)
  return profilesOf([...agents], evidence, model)
}

export function tradesOf(evidence: readonly Evidence[]): TradeFacts[] {
  const byEscrow = new Map<string, Evidence[]>()
  for (const ev of evidence)
    if ('escrowId' in ev) {
      const list = byEscrow.get(ev.escrowId)
      if (list) list.push(ev)
      else byEscrow.set(ev.escrowId, [ev])
    }
  const out: TradeFacts[] = []
  for (const items of byEscrow.values()) {
    const t = tradeOf(items)
    if (t) out.push(t)
  }
  return out
}

/** Profiles of `agents` from evidence that holds at least all of theirs (extra is ignored). */
export function profilesOf(
  agents: readonly string[],
  evidence: readonly Evidence[],
  model: ModelParameters = {},
): StoredProfile[] {
  // Which keys concern which agent.
  const keysOf = new Map<string, Set<string>>()
  for (const ev of evidence)
    for (const l of linksOf(ev)) {
      const keys = keysOf.get(l.agentId)
      if (keys) keys.add(l.key)
      else keysOf.set(l.agentId, new Set([l.key]))
    }
  // One evidence per id and key (the first), however often it was given.
  const byKey = new Map<string, Evidence[]>()
  for (const ev of evidence) {
    const list = byKey.get(ev.key)
    if (list) list.push(ev)
    else byKey.set(ev.key, [ev])
  }
  for (const [key, list] of byKey) if (list.length > 1) byKey.set(key, firstOfEachId(list))
  const flags = detectAnomalies(tradesOf(evidence))
  const none = new Map<string, AnomalyFlag>()
  return [...agents].sort().map((agentId) => {
    // Keys are distinct, an evidence has one key, and each list is deduplicated: no overlap.
    const mine: Evidence[] = []
    for (const k of keysOf.get(agentId) ?? []) for (const ev of byKey.get(k) ?? []) mine.push(ev)
    const flagged = flags.get(agentId) ?? none
    return stored(agentId, profileOf({ agentId, evidence: mine, flagged, ...model }), flagged)
  })
}

/**
 * The first evidence of each id. A key's list is short (an escrow's few events) or, for an
 * agent's own key, longer: a scan for the short ones, a set for the rest, so the common case
 * allocates nothing (a set of "id|key" strings over every evidence was a hot spot of a rebuild).
 */
function firstOfEachId(list: Evidence[]): Evidence[] {
  if (list.length > 16) {
    const seen = new Set<string>()
    return list.filter((ev) => !seen.has(ev.id) && seen.add(ev.id))
  }
  let out: Evidence[] | null = null
  for (let i = 0; i < list.length; i++) {
    let twice = false
    for (let j = 0; j < i && !twice; j++) twice = list[j]!.id === list[i]!.id
    if (twice) out ??= list.slice(0, i)
    else out?.push(list[i]!)
  }
  return out ?? list
}

function stored(
  agentId: string,
  profile: TrustProfile,
  flagged: ReadonlyMap<string, AnomalyFlag>,
): StoredProfile {
  return {
    agentId,
    orgId: profile.orgId,
    compositeScore: profile.compositeScore,
    bondTier: profile.bondTier,
    flaggedCounterparties: [
      ...new Set([...flagged.values()].map((f) => f.counterpartyAgentId)),
    ].sort(),
    did: profile.agentId.startsWith('did:') ? profile.agentId : null,
    handle: profile.handle === '' ? null : profile.handle.slice(2),
    profileJson: canonicalJson(profile),
  }
}

/**
 * An agent's explanation, built when it is asked for (`GET …/explain`) from the agent's evidence
 * and the flags its stored profile carries: the same function that computed the profile, so
 * every point traces back to the log, and no batch pays for explanations nobody reads.
 */
export function explainAgent(
  agentId: string,
  evidence: readonly Evidence[],
  anomalyFlags: readonly AnomalyFlag[],
): TrustExplanation {
  // The store may hand an evidence twice (one per key it is linked under): once per id and key.
  const seen = new Map<string, Evidence>()
  for (const ev of evidence) if (!seen.has(`${ev.id}|${ev.key}`)) seen.set(`${ev.id}|${ev.key}`, ev)
  const flagged = new Map(anomalyFlags.map((f) => [f.escrowId, f]))
  return computeProfile({ agentId, evidence: [...seen.values()], flagged }).explanation
}

/** The in-memory store: the property test's and the bench's. */
export class MemoryEvidenceStore implements EvidenceStore {
  readonly evidence = new Map<string, Evidence>()
  readonly links = new Map<string, Set<string>>()
  readonly agentKeys = new Map<string, Set<string>>()
  readonly profiles = new Map<string, StoredProfile>()
  readonly telemetry = new Map<string, TelemetryDay>()

  async addTelemetry(days: readonly TelemetryDay[]): Promise<string[]> {
    const moved = new Set<string>()
    for (const d of days) {
      const k = `${d.agentId}|${d.day}`
      const before = this.telemetry.get(k)
      const merged = before ? mergeDays(before, d) : d
      if (movesProfile(before, merged)) moved.add(d.agentId)
      this.telemetry.set(k, merged)
      const ev = telemetryEvidence(merged)
      this.evidence.set(`${ev.id}|${ev.key}`, ev)
    }
    await this.add(
      [],
      days.map((d) => ({ key: d.agentId, agentId: d.agentId })),
    )
    return [...moved]
  }

  add(evidence: readonly Evidence[], links: readonly Link[]): Promise<string[]> {
    const fresh = new Set<string>()
    for (const ev of evidence) {
      const id = `${ev.id}|${ev.key}`
      if (this.evidence.has(id)) continue
      this.evidence.set(id, ev)
      fresh.add(ev.key)
    }
    for (const l of links) {
      this.links.set(l.key, (this.links.get(l.key) ?? new Set()).add(l.agentId))
      this.agentKeys.set(l.agentId, (this.agentKeys.get(l.agentId) ?? new Set()).add(l.key))
    }
    return Promise.resolve([...fresh])
  }
  agentsOf(keys: readonly string[]): Promise<string[]> {
    return Promise.resolve([...new Set(keys.flatMap((k) => [...(this.links.get(k) ?? [])]))])
  }
  evidenceOf(agents: readonly string[]): Promise<Evidence[]> {
    const keys = new Set(agents.flatMap((a) => [...(this.agentKeys.get(a) ?? [])]))
    return Promise.resolve([...this.evidence.values()].filter((e) => keys.has(e.key)))
  }
  flaggedCounterparties(agents: readonly string[]): Promise<string[]> {
    return Promise.resolve(agents.flatMap((a) => this.profiles.get(a)?.flaggedCounterparties ?? []))
  }
  write(profiles: readonly StoredProfile[]): Promise<void> {
    for (const p of profiles) this.profiles.set(p.agentId, p)
    return Promise.resolve()
  }
}
