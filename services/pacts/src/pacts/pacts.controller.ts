import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common'
import type { z } from 'zod'
import {
  AcceptPactBody,
  CounterPactBody,
  ListPactsFilter,
  PACT_TERMS_MAX_BYTES,
  type Page,
  type Pact,
  ProposePactBody,
  RegisterPactBody,
  type RegisteredPact,
  RejectPactBody,
  ReportExecutionFailureBody,
} from '@tessera/contracts'
import {
  ApiKeyGuard,
  Auth,
  type AuthContext,
  Roles,
  pageQuery,
  parseInput,
} from '@tessera/service-kit'
import { TermsTooLarge, termsBytes } from '../domain/pact/pact-terms.ts'
import { toApiError } from './pacts.errors.ts'
import { PactsService } from './pacts.service.ts'

const ListQuery = pageQuery().extend(ListPactsFilter.shape)

/**
 * The terms' size cap, then the body's contract: over-large terms are a 413 whatever else is
 * wrong with them, and nothing is read or stored before both pass.
 */
function parseWithTerms<S extends z.ZodType>(
  schema: S,
  body: unknown,
  field: 'terms' | 'amendedTerms',
): z.infer<S> {
  const bytes = termsBytes((body as Record<string, unknown> | null)?.[field])
  if (bytes !== undefined && bytes > PACT_TERMS_MAX_BYTES)
    throw toApiError(new TermsTooLarge(bytes))
  return parseInput(schema, body)
}

/** Pacts: signed, hash-bound terms between two agents, negotiated here or registered. */
@Controller('v1/pacts')
@UseGuards(ApiKeyGuard)
export class PactsController {
  constructor(@Inject(PactsService) private readonly pacts: PactsService) {}

  /** Round 1, signed by `terms.proposedBy` (the buyer, an agent of the caller's org). */
  @Post()
  @Roles('admin', 'member')
  @HttpCode(201)
  propose(@Auth() auth: AuthContext, @Body() body: unknown): Promise<Pact> {
    return this.pacts.propose(auth, parseWithTerms(ProposePactBody, body, 'terms'))
  }

  /** A pact negotiated peer to peer, with both parties' signatures: active at once. */
  @Post('register')
  @Roles('admin', 'member')
  @HttpCode(201)
  register(@Auth() auth: AuthContext, @Body() body: unknown): Promise<RegisteredPact> {
    return this.pacts.register(auth, parseWithTerms(RegisterPactBody, body, 'terms'))
  }

  @Post(':pactId/counter')
  @Roles('admin', 'member')
  @HttpCode(200)
  counter(
    @Auth() auth: AuthContext,
    @Param('pactId') pactId: string,
    @Body() body: unknown,
  ): Promise<Pact> {
    return this.pacts.counter(auth, pactId, parseWithTerms(CounterPactBody, body, 'amendedTerms'))
  }

  @Post(':pactId/accept')
  @Roles('admin', 'member')
  @HttpCode(200)
  accept(
    @Auth() auth: AuthContext,
    @Param('pactId') pactId: string,
    @Body() body: unknown,
  ): Promise<Pact> {
    return this.pacts.accept(auth, pactId, parseInput(AcceptPactBody, body))
  }

  @Post(':pactId/reject')
  @Roles('admin', 'member')
  @HttpCode(200)
  reject(
    @Auth() auth: AuthContext,
    @Param('pactId') pactId: string,
    @Body() body: unknown,
  ): Promise<Pact> {
    return this.pacts.reject(auth, pactId, parseInput(RejectPactBody, body))
  }

  /** The seller could not do the work of an active pact (the reference's reportExecutionFailure). */
  @Post(':pactId/execution-failures')
  @Roles('admin', 'member')
  @HttpCode(201)
  reportExecutionFailure(
    @Auth() auth: AuthContext,
    @Param('pactId') pactId: string,
    @Body() body: unknown,
  ): Promise<Pact> {
    return this.pacts.reportExecutionFailure(
      auth,
      pactId,
      parseInput(ReportExecutionFailureBody, body),
    )
  }

  /** A pact, to either party's org; another org's pact is a 404 like an unknown one. */
  @Get(':pactId')
  @Roles('admin', 'member')
  get(@Auth() auth: AuthContext, @Param('pactId') pactId: string): Promise<Pact> {
    return this.pacts.get(auth, pactId)
  }

  /** The org's pacts as buyer or seller, newest first; `?status`, `?agentId`. */
  @Get()
  @Roles('admin', 'member')
  list(@Auth() auth: AuthContext, @Query() query: unknown): Promise<Page<Pact>> {
    return this.pacts.list(auth, parseInput(ListQuery, query))
  }
}
