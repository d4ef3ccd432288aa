import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common'
import type { FastifyReply } from 'fastify'
import { NoApiKey } from '@tessera/service-kit'
import { AgentCardsService } from './agent-cards.service.ts'

/**
 * A2A discovery, public on purpose: no API key. A card is read by agents of other orgs and
 * other systems, so it and the key that signed it are open to anyone, from any origin.
 */
@Controller('a2a')
@NoApiKey('public by design: published cards and the key that signs them')
export class A2aController {
  constructor(@Inject(AgentCardsService) private readonly cards: AgentCardsService) {}

  /**
   * The published card, or 404 until it is published and once it is withdrawn. Caches must
   * revalidate (a revoked agent's card goes at once); the ETag makes that a 304.
   */
  @Get('agents/:id/agent-card.json')
  async card(
    @Param('id') id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { body, etag } = await this.cards.getPublic(id)
    void reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('etag', etag)
      .header('access-control-allow-origin', '*')
    if (ifNoneMatch?.split(/\s*,\s*/).includes(etag)) {
      void reply.status(304)
      return ''
    }
    return body
  }

  /** Guardian's card signing key(s), as a JWKS: what a signature's `kid` and `jku` point at. */
  @Get('jwks.json')
  jwks(@Res({ passthrough: true }) reply: FastifyReply) {
    void reply
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
    return this.cards.jwks()
  }
}
