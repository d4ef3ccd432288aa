import { Body, Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common'
import { z } from 'zod'
import { Capability } from '@tessera/contracts'
import { ApiKeyGuard, Auth, type AuthContext, Roles, parseInput } from '@tessera/service-kit'
import { AgentCardsService } from './agent-cards.service.ts'

const Line = (max: number) => z.string().trim().min(1).max(max)

/** What the caller may set instead of what is derived from the agent; all optional. */
const CardBody = z.object({
  description: Line(2000).optional(),
  version: Line(100).optional(),
  /** Replace the derived name, description, tags or examples of the skill `id`. */
  skills: z
    .array(
      z.object({
        id: Capability,
        name: Line(200).optional(),
        description: Line(2000).optional(),
        tags: z.array(Line(100)).min(1).max(20).optional(),
        examples: z.array(Line(1000)).max(20).optional(),
      }),
    )
    .max(200)
    .optional(),
})

/** An agent's A2A card, for its org: preview, publish, take down. Another org's agent is a 404. */
@Controller('v1/agents')
@UseGuards(ApiKeyGuard)
@Roles('admin')
export class AgentCardsController {
  constructor(@Inject(AgentCardsService) private readonly cards: AgentCardsService) {}

  /** The signed card, as publishing it would serve it; nothing is stored. */
  @Post(':id/card')
  @HttpCode(200)
  generate(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    return this.cards.generate(auth, id, parseInput(CardBody, body ?? {}))
  }

  @Post(':id/card/publish')
  @HttpCode(200)
  publish(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown) {
    return this.cards.publish(auth, id, parseInput(CardBody, body ?? {}))
  }

  @Post(':id/card/unpublish')
  @HttpCode(200)
  unpublish(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.cards.unpublish(auth, id)
  }
}
