import type {
  CreateEscrowRequest,
  DisputeEscrowRequest,
  Escrow,
  EscrowVerification,
  MutualSettlementRequest,
  PollSettlementOptions,
  SubmitCompletionRequest,
  VerifyEscrowRequest,
} from '@tessera/contracts'
import { TesseraError } from '../errors.ts'
import type { HttpClient } from '../http.ts'
import { segment } from '../http.ts'

/**
 * `client.escrow`: the reference's escrow layer (create, verify, submitCompletion, dispute,
 * pollSettlement, get, mutual settlement). Money is µUSDC as decimal strings; `amountUsdc`
 * also takes a number with at most 6 decimals.
 */
export class EscrowResource {
  constructor(private readonly http: HttpClient) {}

  /** The buyer locks the pact's payment; `conditionHash` must be the pact's hash. */
  create(request: CreateEscrowRequest): Promise<Escrow> {
    return this.http.request({ method: 'POST', path: '/v1/escrows', body: request })
  }

  /** The seller's check before working; a 409 when the lock is not what was agreed. */
  verify({
    escrowId,
    ...request
  }: VerifyEscrowRequest & { escrowId: string }): Promise<EscrowVerification> {
    return this.http.request({
      method: 'POST',
      path: `/v1/escrows/${segment(escrowId)}/verify`,
      body: request,
    })
  }

  /** The seller's signed completion (see `signCompletion`); verification runs at once. */
  submitCompletion({
    escrowId,
    ...request
  }: SubmitCompletionRequest & { escrowId: string }): Promise<Escrow> {
    return this.http.request({
      method: 'POST',
      path: `/v1/escrows/${segment(escrowId)}/completion`,
      body: request,
    })
  }

  /** Either party, within 72 h of the completion: the escrow freezes until a verdict. */
  dispute({ escrowId, ...request }: DisputeEscrowRequest & { escrowId: string }): Promise<Escrow> {
    return this.http.request({
      method: 'POST',
      path: `/v1/escrows/${segment(escrowId)}/disputes`,
      body: request,
    })
  }

  /** Both parties signed the same split (`mutualSettlementPayload`): settled without the jury. */
  settle(escrowId: string, request: MutualSettlementRequest): Promise<Escrow> {
    return this.http.request({
      method: 'POST',
      path: `/v1/escrows/${segment(escrowId)}/settlement`,
      body: request,
    })
  }

  get(escrowId: string): Promise<Escrow> {
    return this.http.request({ method: 'GET', path: `/v1/escrows/${segment(escrowId)}` })
  }

  /**
   * Reads the escrow until it is no longer `locked` (released, refunded, settled, or disputed:
   * the jury's verdict is pending, as the reference's example handles), and answers it; throws
   * `SETTLEMENT_TIMEOUT` after `timeoutMs` (default 60 s).
   */
  async pollSettlement(escrowId: string, options: PollSettlementOptions = {}): Promise<Escrow> {
    const { timeoutMs = 60_000, pollIntervalMs = 1000 } = options
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const escrow = await this.get(escrowId)
      if (escrow.status !== 'locked') return escrow
      if (Date.now() + pollIntervalMs > deadline) {
        throw new TesseraError(
          'SETTLEMENT_TIMEOUT',
          `escrow ${escrowId} is still ${escrow.status}`,
          {
            details: { escrowId, status: escrow.status },
          },
        )
      }
      await new Promise((r) => setTimeout(r, pollIntervalMs))
    }
  }
}
