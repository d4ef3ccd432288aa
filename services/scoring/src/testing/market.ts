import type { TelemetryRecordFacts } from '../domain/trust/telemetry.ts'

/**
 * A generated market of honest and colluding traffic, as bus events that pass the contracts:
 * the property test, the anomaly measurement, the integration test and the bench share it.
 * Deterministic for a seed.
 */
export interface BusEvent {
  type: string
  data: Record<string, unknown>
  eventId: string
  context: 'guardian' | 'escrow' | 'jury' | 'pacts'
}

export interface RingSpec {
  size: number
  /**
   * 0: same org, uniform amounts, instant; 1: other orgs, ±2% amounts, 10–50 s; 2: ±4%, 20–55 s,
   * one dispute in 40; 3: ±15%, 2–30 min, one dispute in 20. 4, "slow": as 3, but its trades are
   * spread over 89 days (with a few trades an edge, no edge is frequent): the level the
   * detector is known to miss (docs/trust-model.md), measured by bench/scoring-anomaly.bench.ts.
   * 5, "busy": as 3, but each member also sells 60 times to the honest market, so its ring is
   * the lesser part of its trading (missed too, by design: see INSULAR_SHARE).
   */
  camouflage: 0 | 1 | 2 | 3 | 4 | 5
  tradesPerEdge: number
}

export interface MarketSpec {
  seed: number
  orgs: number
  honestAgents: number
  honestTrades: number
  rings: RingSpec[]
  /** Guard denials spread over honest agents. */
  denials?: number
  /** Elevations (an approval requested, then approved or denied) over honest agents. */
  elevations?: number
  /** Ingest telemetry records (tool calls, some failing or slow) over honest agents. */
  telemetry?: number
  start?: string
  days?: number
  /** The rarer evidence (pacts, bonds, incidents, appeals): none unless asked, so the bench's market stays as it is. */
  extras?: MarketExtras
  /**
   * Honest partners: pairs of agents of two orgs that hire each other often, both ways (the
   * traffic a ring imitates), with honest amounts, times and outcomes. None unless asked.
   */
  partners?: { pairs: number; tradesPerDirection: number; days: number }
}

/** Drawn from a generator of their own: the traffic around them is the market without them (ids aside). */
export interface MarketExtras {
  /** Share (0–1) of escrows whose pact is on the bus: PactAccepted, or PactRegistered for one in three. */
  pacts?: number
  /** Share (0–1) of disputes appealed: a round-2 verdict replaces the first, and escrow settles it. */
  appeals?: number
  /** Bond movements over honest agents, in time order: postings, every third a slash of a bonded one. */
  bonds?: number
  /** Honest agents revoked. */
  revocations?: number
  /** Param-binding violations, each by the seller of a generated pact (or an honest agent). */
  bindings?: number
  /** Execution failures, each reported by the seller of a generated pact (or an honest agent). */
  failures?: number
}

/** Pacts, bonds, incidents, a revocation and appeals: every field of a profile, every context. */
export const EVERY_KIND: MarketExtras = {
  pacts: 0.6,
  appeals: 0.5,
  bonds: 6,
  revocations: 1,
  bindings: 3,
  failures: 3,
}
export interface Market {
  events: BusEvent[]
  agents: { agentId: string; orgId: string; handle: string }[]
  colluding: Set<string>
  colludingByCamouflage: Map<number, Set<string>>
  honest: Set<string>
  /** The honest partners' trades (also in `honest`). */
  partnerTrades: Set<string>
  /** Ingest records, as they travel on `telemetry.records.batch` (not in the event log). */
  telemetry: TelemetryRecordFacts[]
}

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 0x1_0000_0000
  }
}

const ALPHA = '0123456789abcdefghijklmnopqrstuvwxyz'

/** An `ActionChecked` batch of one guard denial of `agent` (a destructive shell call). */
export function denial(
  agent: { agentId: string; orgId: string },
  checkId: string,
  checkedAt: string,
): Record<string, unknown> {
  return {
    orgId: agent.orgId,
    checks: [
      {
        checkId,
        orgId: agent.orgId,
        agentId: agent.agentId,
        action: 'tool_call',
        toolName: 'shell_exec',
        capability: 'shell:exec',
        effect: 'destructive',
        effectSource: 'classified',
        confidence: 0.9,
        decision: 'deny',
        reason: 'not allowed',
        rule: 'agent.capabilities',
        checkedAt,
      },
    ],
  }
}

export function market(spec: MarketSpec): Market {
  const r = rng(spec.seed)
  // ids are unique across markets of different seeds
  let counter = spec.seed * 100_000_000
  const id26 = () => {
    let n = ++counter
    let out = ''
    for (let i = 0; i < 26; i++) {
      out = ALPHA[n % 36]! + out
      n = Math.floor(n / 36)
    }
    return out
  }
  const hex = (len: number, rand = r) => {
    let out = ''
    while (out.length < len)
      out += Math.floor(rand() * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0')
    return out.slice(0, len)
  }
  const eventId = (rand = r) => {
    const n = (++counter).toString(16).padStart(20, '0')
    return `0190${n.slice(0, 4)}-${n.slice(4, 8)}-7${n.slice(8, 11)}-8${n.slice(11, 14)}-${hex(6, rand)}${n.slice(14, 20)}`
  }
  const start = Date.parse(spec.start ?? '2026-09-01T00:00:00Z')
  const span = (spec.days ?? 90) * 86_400_000
  const iso = (ms: number) => new Date(ms).toISOString()
  const events: BusEvent[] = []
  const push = (
    context: BusEvent['context'],
    type: string,
    data: Record<string, unknown>,
    rand = r,
  ) => events.push({ context, type, data, eventId: eventId(rand) })

  const orgs = Array.from({ length: spec.orgs }, () => `org_${id26()}`)
  const agents: Market['agents'] = []
  const newAgent = (orgId: string) => {
    const a = { agentId: `agt_${id26()}`, orgId, handle: hex(8) }
    agents.push(a)
    push('guardian', 'AgentRegistered', {
      agentId: a.agentId,
      orgId,
      name: 'agent',
      framework: 'test',
      capabilities: ['web:search'],
      handle: a.handle,
      registeredAt: iso(start - 86_400_000),
    })
    return a
  }
  const honestAgents = Array.from({ length: spec.honestAgents }, (_, i) =>
    newAgent(orgs[i % orgs.length]!),
  )
  const extras = spec.extras ?? {}
  const rx = rng(spec.seed + 0x5eed)
  const colluding = new Set<string>()
  const colludingByCamouflage = new Map<number, Set<string>>()
  const honest = new Set<string>()

  const trade = (
    buyer: (typeof agents)[number],
    seller: (typeof agents)[number],
    at: number,
    amount: bigint,
    completeAfterS: number,
    outcome: 'release' | 'miss' | 'dispute',
    release = 60,
  ) => {
    const escrowId = `esc_${id26()}`
    const pactId = `pact_${id26()}`
    const party = (a: typeof buyer) => ({ agentId: a.agentId, orgId: a.orgId })
    const deadline = at + 86_400_000
    push('escrow', 'EscrowCreated', {
      escrowId,
      pactId,
      conditionHash: hex(64),
      amount: amount.toString(),
      buyer: party(buyer),
      seller: party(seller),
      arbiter: 'tessera',
      deadlineUtc: iso(deadline),
      transferId: `tr_${escrowId}`,
      network: 'internal',
      createdAt: iso(at),
    })
    if (outcome === 'miss') {
      push('escrow', 'DeadlineMissed', {
        escrowId,
        pactId,
        sellerAgentId: seller.agentId,
        deadlineUtc: iso(deadline),
        graceApplied: false,
        missedAt: iso(deadline + 1000),
      })
      push('escrow', 'EscrowRefunded', {
        escrowId,
        pactId,
        amount: amount.toString(),
        reason: 'deadline_missed',
        refundedAt: iso(deadline + 2000),
      })
      return escrowId
    }
    const done = at + completeAfterS * 1000
    const partial = outcome === 'dispute'
    push('escrow', 'CompletionSubmitted', {
      escrowId,
      pactId,
      deliverableHash: hex(64),
      deliverable: { ok: true },
      completionTimeUtc: iso(done),
      sellerSignature: hex(128),
      verification: partial ? 'partial' : 'pass',
      results: [{ name: 'c', passed: !partial }],
      submittedAt: iso(done),
    })
    if (!partial) {
      const fee = amount / 200n
      push('escrow', 'EscrowReleased', {
        escrowId,
        pactId,
        amount: amount.toString(),
        sellerAmount: (amount - fee).toString(),
        fee: fee.toString(),
        releasedAt: iso(done + 1000),
      })
      return escrowId
    }
    const disputeId = `dsp_${id26()}`
    push('escrow', 'DisputeOpened', {
      disputeId,
      escrowId,
      pactId,
      disputedBy: buyer.agentId,
      reason: 'partial',
      evidence: [],
      buyer: party(buyer),
      seller: party(seller),
      amount: amount.toString(),
      openedAt: iso(done + 1000),
    })
    const verdict = {
      disputeId,
      escrowId,
      pactId,
      releasePercentage: release,
      votes: [],
      trimmed: [],
      evidenceHash: hex(64),
      judges: [],
      recordHash: hex(64),
      round: 1,
      reachedAt: iso(done + 3_600_000),
    }
    push('jury', 'VerdictReached', verdict)
    const appeal = extras.appeals && rx() < extras.appeals ? Math.floor(rx() * 101) : null
    if (appeal !== null)
      push(
        'jury',
        'VerdictReached',
        {
          ...verdict,
          releasePercentage: appeal,
          recordHash: hex(64, rx),
          round: 2,
          reachedAt: iso(done + 90_000_000),
        },
        rx,
      )
    const final = appeal ?? release
    const sellerAmount = (amount * BigInt(final)) / 100n
    push('escrow', 'EscrowSettled', {
      escrowId,
      pactId,
      disputeId,
      basis: 'verdict',
      releasePercentage: final,
      sellerAmount: sellerAmount.toString(),
      buyerAmount: (amount - sellerAmount).toString(),
      fee: '0',
      settledAt: iso(appeal === null ? done + 3_700_000 : done + 90_100_000),
    })
    return escrowId
  }

  // Honest traffic: a buyer has a few favourite sellers (repeat business), amounts vary widely,
  // work takes minutes to hours, some deadlines slip, some deliveries are disputed.
  const favourites = honestAgents.map(() =>
    Array.from({ length: 3 }, () => honestAgents[Math.floor(r() * honestAgents.length)]!),
  )
  for (let i = 0; i < spec.honestTrades; i++) {
    const bi = Math.floor(r() * honestAgents.length)
    const buyer = honestAgents[bi]!
    let seller =
      r() < 0.5
        ? favourites[bi]![Math.floor(r() * 3)]!
        : honestAgents[Math.floor(r() * honestAgents.length)]!
    if (seller === buyer) seller = honestAgents[(bi + 1) % honestAgents.length]!
    const at = start + Math.floor(r() * span)
    const amount =
      BigInt(Math.floor(1 + r() ** 2 * 2000)) * 1_000_000n + BigInt(Math.floor(r() * 1e6))
    const roll = r()
    const outcome = roll < 0.04 ? 'miss' : roll < 0.1 ? 'dispute' : 'release'
    honest.add(
      trade(
        buyer,
        seller,
        at,
        amount,
        120 + Math.floor(r() * 20_000),
        outcome,
        Math.floor(r() * 101),
      ),
    )
  }

  // Rings: agents that trade among themselves, round and round, to build a score.
  for (const ring of spec.rings) {
    const org = ring.camouflage === 0 ? orgs[Math.floor(r() * orgs.length)]! : null
    const members = Array.from({ length: ring.size }, () =>
      newAgent(org ?? orgs[Math.floor(r() * orgs.length)]!),
    )
    // Camouflage: the ring members also trade honestly with the market a little.
    for (const m of members)
      for (let k = 0; k < [0, 3, 6, 12, 12, 60][ring.camouflage]!; k++)
        honest.add(
          trade(
            honestAgents[Math.floor(r() * honestAgents.length)]!,
            m,
            start + Math.floor(r() * span),
            BigInt(Math.floor(5 + r() * 500)) * 1_000_000n,
            600 + Math.floor(r() * 7200),
            'release',
          ),
        )
    const base = BigInt(20 + Math.floor(r() * 200)) * 1_000_000n
    const jitter = [0, 0.02, 0.04, 0.15, 0.15, 0.15][ring.camouflage]!
    const windowMs = (ring.camouflage === 4 ? 89 : 30) * 86_400_000
    const ringStart = start + Math.floor(r() * (span - windowMs))
    for (let e = 0; e < ring.size; e++) {
      const buyer = members[e]!
      const seller = members[(e + 1) % ring.size]!
      for (let k = 0; k < ring.tradesPerEdge; k++) {
        const amount = base + BigInt(Math.round(Number(base) * jitter * (2 * r() - 1)))
        // Four draws for every ring trade, whatever its level, as the market always made them: a
        // draw more or less would shift every event generated after it (levels 4 and 5 take 3's).
        const secs = [
          1 + Math.floor(r() * 3),
          10 + Math.floor(r() * 40),
          20 + Math.floor(r() * 35),
          120 + Math.floor(r() * 1680),
        ][Math.min(ring.camouflage, 3)]!
        const disputed = ring.camouflage >= 2 && r() < (ring.camouflage >= 3 ? 1 / 20 : 1 / 40)
        const id = trade(
          buyer,
          seller,
          ringStart + Math.floor(r() * windowMs),
          amount,
          secs,
          disputed ? 'dispute' : 'release',
          100,
        )
        colluding.add(id)
        colludingByCamouflage.set(
          ring.camouflage,
          (colludingByCamouflage.get(ring.camouflage) ?? new Set()).add(id),
        )
      }
    }
  }

  // Guard denials for a few honest agents.
  for (let i = 0; i < (spec.denials ?? 0); i++) {
    const a = honestAgents[Math.floor(r() * honestAgents.length)]!
    push(
      'guardian',
      'ActionChecked',
      denial(a, `chk_${id26()}`, iso(start + Math.floor(r() * span))),
    )
  }
  // Elevations: a request, then a human's decision a few minutes later.
  for (let i = 0; i < (spec.elevations ?? 0); i++) {
    const a = honestAgents[Math.floor(r() * honestAgents.length)]!
    const approvalId = `apr_${id26()}`
    const requestedAt = start + Math.floor(r() * span)
    push('guardian', 'ApprovalRequested', {
      approvalId,
      orgId: a.orgId,
      agentId: a.agentId,
      action: 'tool_call',
      actionName: 'transfer_funds',
      actionEffect: 'mutating',
      checkId: `chk_${id26()}`,
      rule: 'effect.mutating',
      reason: 'needs a human',
      requestedAt: iso(requestedAt),
      expiresAt: iso(requestedAt + 3_600_000),
    })
    const decidedAt = iso(requestedAt + 60_000 + Math.floor(r() * 600_000))
    if (r() < 0.5)
      push('guardian', 'ApprovalApproved', {
        approvalId,
        orgId: a.orgId,
        decidedBy: 'ops@example.com',
        decidedAt,
        usableUntil: iso(requestedAt + 3_600_000),
      })
    else push('guardian', 'ApprovalDenied', { approvalId, orgId: a.orgId, decidedAt })
  }
  // Telemetry: tool calls on a few busy days per agent, so some days cross the rules' minimum;
  // the last of them after the trades, so telemetry is often an agent's latest evidence.
  const telemetry: TelemetryRecordFacts[] = []
  const busyDays = 3
  for (let i = 0; i < (spec.telemetry ?? 0); i++) {
    const a = honestAgents[Math.floor(r() * honestAgents.length)]!
    const day = span - 86_400_000 * 7 + Math.floor(r() * busyDays) * 86_400_000 * 7
    const at = iso(start + day + Math.floor(r() * 86_000_000))
    const failing = r() < 0.15
    telemetry.push({
      agentId: a.agentId,
      type: r() < 0.9 ? 'tool_call' : 'response',
      occurredAt: at,
      receivedAt: at,
      data: {
        outcome: failing ? 'error' : 'success',
        latencyMs: r() < 0.15 ? 12_000 : Math.floor(r() * 2_000),
      },
    })
  }
  addExtras(extras, {
    r: rx,
    hex: (len) => hex(len, rx),
    id26,
    push: (context, type, data) => push(context, type, data, rx),
    at: () => iso(start + Math.floor(rx() * span)),
    events,
    honestAgents,
  })

  // Honest partners, last and from a generator of their own, so the market before is unchanged.
  const partnerTrades = new Set<string>()
  const rp = rng(spec.seed + 0xfa11)
  for (let k = 0; k < (spec.partners?.pairs ?? 0); k++) {
    const { tradesPerDirection, days } = spec.partners!
    const a = honestAgents[Math.floor(rp() * honestAgents.length)]!
    const others = honestAgents.filter((o) => o.orgId !== a.orgId)
    const b = others[Math.floor(rp() * others.length)]!
    const from = start + Math.floor(rp() * (span - days * 86_400_000))
    for (const [buyer, seller] of [
      [a, b],
      [b, a],
    ] as const)
      for (let i = 0; i < tradesPerDirection; i++) {
        const roll = rp()
        const id = trade(
          buyer,
          seller,
          from + Math.floor(rp() * days * 86_400_000),
          BigInt(Math.floor(1 + rp() ** 2 * 2000)) * 1_000_000n,
          120 + Math.floor(rp() * 20_000),
          roll < 0.04 ? 'miss' : roll < 0.1 ? 'dispute' : 'release',
          Math.floor(rp() * 101),
        )
        honest.add(id)
        partnerTrades.add(id)
      }
  }
  return { events, agents, colluding, colludingByCamouflage, honest, partnerTrades, telemetry }
}

interface ExtrasGen {
  r: () => number
  hex: (len: number) => string
  id26: () => string
  push: (context: BusEvent['context'], type: string, data: Record<string, unknown>) => void
  /** A random time in the market's span, as ISO text. */
  at: () => string
  events: readonly BusEvent[]
  honestAgents: readonly Market['agents'][number][]
}

const BOND_TIER_FLOORS = [100_000_000n, 1_000_000_000n, 10_000_000_000n, 100_000_000_000n]
const bondTier = (total: bigint) => BOND_TIER_FLOORS.filter((floor) => total >= floor).length
const shifted = (at: unknown, ms: number) => new Date(Date.parse(at as string) + ms).toISOString()

/** Pacts for the escrows, bonds, binding violations, failures and revocations (`MarketExtras`). */
function addExtras(extras: MarketExtras, g: ExtrasGen): void {
  const { r, hex, id26, push, honestAgents } = g
  const anyHonest = () => honestAgents[Math.floor(r() * honestAgents.length)]!
  // The pact of an escrow: same id, parties, amount and deadline, agreed minutes before it.
  const pacts: { pactId: string; seller: string; at: string }[] = []
  for (const e of g.events.filter((e) => e.type === 'EscrowCreated')) {
    if (r() >= (extras.pacts ?? 0)) continue
    const d = e.data as { pactId: string; amount: string; deadlineUtc: string; createdAt: string }
    const buyer = e.data['buyer'] as { agentId: string }
    const seller = e.data['seller'] as { agentId: string }
    const terms = {
      proposedBy: buyer.agentId,
      proposedTo: seller.agentId,
      capability: ['web:search', 'code:review', 'data:extract'][Math.floor(r() * 3)]!,
      taskDescription: 'do the task',
      deliverableFormat: 'json',
      conditions: [],
      deadlineUtc: d.deadlineUtc,
      payment: { amount: d.amount, currency: 'USDC' },
      escrowArbiter: 'tessera',
      proposedAt: shifted(d.createdAt, -600_000),
      nonce: hex(16),
    }
    const active = {
      pactId: d.pactId,
      pactHash: hex(64),
      terms,
      buyer: e.data['buyer'],
      seller: e.data['seller'],
      buyerSignature: hex(128),
      sellerSignature: hex(128),
    }
    const at = shifted(d.createdAt, -300_000)
    if (r() < 1 / 3) push('pacts', 'PactRegistered', { ...active, registeredAt: at })
    else push('pacts', 'PactAccepted', { ...active, round: 1, by: seller.agentId, acceptedAt: at })
    pacts.push({ pactId: d.pactId, seller: seller.agentId, at })
  }
  // Incidents under a pact, by the agent doing the work: its seller.
  const underPact = () => {
    const p = pacts[Math.floor(r() * pacts.length)]
    if (p)
      return {
        pactId: p.pactId,
        agentId: p.seller,
        at: shifted(p.at, 60_000 + Math.floor(r() * 3e6)),
      }
    return { pactId: `pact_${id26()}`, agentId: anyHonest().agentId, at: g.at() }
  }
  for (let i = 0; i < (extras.bindings ?? 0); i++) {
    const { pactId, agentId, at } = underPact()
    push('pacts', 'ParamBindingViolated', {
      pactId,
      agentId,
      tool: 'transfer_funds',
      rule: 'param_binding:max_amount',
      paramsDigest: hex(64),
      telemetryEventId: id26().toUpperCase(),
      detectedAt: at,
    })
  }
  for (let i = 0; i < (extras.failures ?? 0); i++) {
    const { pactId, agentId, at } = underPact()
    push('pacts', 'ExecutionFailureReported', {
      pactId,
      failureReason: 'the upstream API was down',
      by: agentId,
      reportedAt: at,
    })
  }
  // Bonds in time order, so each event's total and tier follow from the ones before it.
  const totals = new Map<Market['agents'][number], bigint>()
  const times = Array.from({ length: extras.bonds ?? 0 }, g.at).sort()
  for (const [i, at] of times.entries()) {
    const bonded = [...totals.keys()]
    if (i % 3 === 2 && bonded.length > 0) {
      const a = bonded[Math.floor(r() * bonded.length)]!
      const was = totals.get(a)!
      const cut = was / 10n > 0n ? was / 10n : 1n
      totals.set(a, was - cut)
      push('escrow', 'BondSlashed', {
        agentId: a.agentId,
        orgId: a.orgId,
        amount: cut.toString(),
        totalBond: (was - cut).toString(),
        tier: bondTier(was - cut),
        rule: 'deadlines_missed_3_in_90d',
        slashedAt: at,
      })
      continue
    }
    const a = anyHonest()
    const amount = BigInt(Math.floor(50 + r() ** 2 * 20_000)) * 1_000_000n
    const total = (totals.get(a) ?? 0n) + amount
    totals.set(a, total)
    push('escrow', 'BondPosted', {
      agentId: a.agentId,
      orgId: a.orgId,
      amount: amount.toString(),
      totalBond: total.toString(),
      tier: bondTier(total),
      transferId: `tr_bond_${id26()}`,
      postedAt: at,
    })
  }
  const revoked = new Set<Market['agents'][number]>()
  while (revoked.size < Math.min(extras.revocations ?? 0, honestAgents.length)) {
    const a = anyHonest()
    if (revoked.has(a)) continue
    revoked.add(a)
    push('guardian', 'AgentRevoked', {
      agentId: a.agentId,
      orgId: a.orgId,
      reason: 'compromised key',
      revokedAt: g.at(),
    })
  }
}
