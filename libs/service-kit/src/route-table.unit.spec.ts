import 'reflect-metadata'
import { Controller, Get, type INestApplication, Module, Post, UseGuards } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiKeyGuard } from './api-keys.ts'
import { NoApiKey, Roles, requireRole } from './roles.ts'
import { routeTable, undeclaredRoutes } from './route-table.ts'
import { DB, SERVICE_SCHEMA } from './tokens.ts'

@Controller('v1/things')
@UseGuards(ApiKeyGuard)
@Roles('admin', 'member')
class ThingsController {
  @Get()
  list() {}

  @Post(':id/decide')
  @Roles('admin', 'approver')
  decide() {}
}

@Controller('v1/forgotten')
class ForgottenController {
  @Get()
  @UseGuards(ApiKeyGuard)
  guardedWithoutRoles() {}

  @Post()
  @Roles('member')
  rolesWithoutGuard() {}

  @Get('public')
  @UseGuards(ApiKeyGuard)
  @NoApiKey('says public, yet wants a key')
  both() {}

  @Get('nothing')
  nothing() {}
}

@Controller('open')
@NoApiKey('public by design')
class OpenController {
  @Get(':id')
  card() {}

  @Get(['a', 'b'])
  twoPaths() {}
}

const kit = [
  { provide: DB, useValue: null },
  { provide: SERVICE_SCHEMA, useValue: 's' },
]

let app: INestApplication | undefined
async function appOf(...controllers: (new () => unknown)[]) {
  @Module({ controllers, providers: kit })
  class TestModule {}
  app = await NestFactory.create(TestModule, new FastifyAdapter(), { logger: false })
  await app.init()
  return app
}

afterEach(async () => {
  await app?.close()
  app = undefined
})

describe('the route table', () => {
  it("reads each route's method, path and declared access, the method's over its controller's", async () => {
    const table = routeTable(await appOf(ThingsController, OpenController))
    expect(table).toEqual(
      expect.arrayContaining([
        {
          method: 'GET',
          path: '/v1/things',
          handler: 'ThingsController.list',
          access: { roles: ['admin', 'member'] },
          keyGuarded: true,
        },
        {
          method: 'POST',
          path: '/v1/things/:id/decide',
          handler: 'ThingsController.decide',
          access: { roles: ['admin', 'approver'] },
          keyGuarded: true,
        },
        {
          method: 'GET',
          path: '/open/:id',
          handler: 'OpenController.card',
          access: { noApiKey: 'public by design' },
          keyGuarded: false,
        },
      ]),
    )
    expect(table.filter((r) => r.handler === 'OpenController.twoPaths').map((r) => r.path)).toEqual(
      ['/open/a', '/open/b'],
    )
    expect(undeclaredRoutes(table)).toEqual([])
  })

  it('names every route that would let a key through unchecked, so the service refuses to start', async () => {
    const problems = undeclaredRoutes(routeTable(await appOf(ForgottenController)))
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GET \/v1\/forgotten .*declares neither/),
        expect.stringMatching(/^POST \/v1\/forgotten .*declares roles but no ApiKeyGuard/),
        expect.stringMatching(/^GET \/v1\/forgotten\/public .*@NoApiKey but sits behind/),
        expect.stringMatching(/^GET \/v1\/forgotten\/nothing .*declares neither/),
      ]),
    )
    expect(problems).toHaveLength(4)
  })
})

describe('requireRole', () => {
  it('lets a named role through and refuses another with 403 AUTH_DENIED {role, allowed}', () => {
    expect(() => requireRole('approver', { roles: ['admin', 'approver'] })).not.toThrow()
    expect(() => requireRole('member', { roles: ['admin', 'approver'] })).toThrow(
      expect.objectContaining({
        status: 403,
        code: 'AUTH_DENIED',
        details: { role: 'member', allowed: ['admin', 'approver'] },
      }),
    )
    expect(() => requireRole('approver', { roles: ['admin'] })).toThrow(
      'an approver key may not do that',
    )
  })

  it('fails closed: a route that names no roles is refused to every key, admin too', () => {
    for (const access of [undefined, { noApiKey: 'public' }]) {
      expect(() => requireRole('admin', access)).toThrow(
        expect.objectContaining({ status: 403, details: { role: 'admin', allowed: [] } }),
      )
    }
  })
})
