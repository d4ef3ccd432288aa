import type { GuardRule } from '@tessera/contracts'
import type { HttpClient } from '../http.ts'

export interface GuardPolicy {
  orgId: string
  /** 0 until the org sets one. */
  version: number
  timezone: string
  approvalWindowSeconds: number
  rules: GuardRule[]
  updatedAt: string | null
}

export interface SetGuardPolicyRequest {
  rules: GuardRule[]
  /** IANA zone for the rules' `/time/*`; default UTC. */
  timezone?: string
  /** 1 to 86 400; default 300. */
  approvalWindowSeconds?: number
}

/** `client.guardPolicy`: the org's own rules for action checks (setting needs an admin key). */
export class GuardPolicyResource {
  constructor(private readonly http: HttpClient) {}

  get(): Promise<GuardPolicy> {
    return this.http.request({ method: 'GET', path: '/v1/guard/policy' })
  }

  /** Replaces the whole policy; every replica applies it within milliseconds. */
  set(request: SetGuardPolicyRequest): Promise<GuardPolicy> {
    return this.http.request({ method: 'PUT', path: '/v1/guard/policy', body: request })
  }
}
