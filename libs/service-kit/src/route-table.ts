import { type INestApplication, RequestMethod, type Type } from '@nestjs/common'
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js'
import { MetadataScanner, ModulesContainer } from '@nestjs/core'
import { ObservabilityModule } from '@tessera/observability'
import { ApiKeyGuard } from './api-keys.ts'
import { type RouteAccess, type Target, accessOf } from './roles.ts'

/** One route of a running app, as the code declares it. */
export interface RouteEntry {
  method: string
  /** `/v1/approvals/:approvalId/approve` */
  path: string
  /** `ApprovalsController.approve` */
  handler: string
  access: RouteAccess | undefined
  /** Whether an `ApiKeyGuard` (or a subclass) authenticates it. */
  keyGuarded: boolean
}

/** Every route of `app`, read from Nest's metadata: the table docs/roles.md is checked against. */
export function routeTable(app: INestApplication): RouteEntry[] {
  const scanner = new MetadataScanner()
  const routes = new Map<string, RouteEntry>()
  for (const module of app.get(ModulesContainer).values()) {
    // the kit mounts the observability module's probes and metrics: they take no key
    const probes = module.metatype === ObservabilityModule
    for (const { metatype } of module.controllers.values()) {
      const controller = metatype as Type
      const prototype = controller.prototype as Record<string, Target>
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name]!
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined
        if (method === undefined) continue
        for (const path of pathsOf(controller, handler)) {
          const entry: RouteEntry = {
            method: RequestMethod[method],
            path,
            handler: `${controller.name}.${name}`,
            access: probes ? { noApiKey: 'probes and metrics' } : accessOf(handler, controller),
            keyGuarded: [handler, controller].some((t) => guardsOf(t).some(isApiKeyGuard)),
          }
          routes.set(`${entry.method} ${entry.path}`, entry)
        }
      }
    }
  }
  return [...routes.values()]
}

/** What is wrong with each route's declaration, if anything; `[]` when all is well. */
export function undeclaredRoutes(routes: readonly RouteEntry[]): string[] {
  const problems: string[] = []
  for (const r of routes) {
    const at = `${r.method} ${r.path} (${r.handler})`
    if (!r.access) problems.push(`${at} declares neither @Roles(...) nor @NoApiKey(why)`)
    else if ('roles' in r.access && !r.keyGuarded)
      problems.push(`${at} declares roles but no ApiKeyGuard checks them`)
    else if ('noApiKey' in r.access && r.keyGuarded)
      problems.push(`${at} declares @NoApiKey but sits behind ApiKeyGuard`)
  }
  return problems
}

/** Refuses to start a service with a route whose access is not declared, or not enforced. */
export function assertEveryRouteDeclared(app: INestApplication): void {
  const problems = undeclaredRoutes(routeTable(app))
  if (problems.length) {
    throw new Error(
      `routes without a role declaration (docs/roles.md):\n  ${problems.join('\n  ')}`,
    )
  }
}

/** Every path a handler answers: a controller's or a route's path may be a list. */
function pathsOf(controller: Target, handler: Target): string[] {
  const [prefixes, suffixes] = [controller, handler].map((t) => {
    const p = Reflect.getMetadata(PATH_METADATA, t) as string | string[] | undefined
    return Array.isArray(p) ? p : [p ?? '']
  }) as [string[], string[]]
  return prefixes.flatMap((prefix) =>
    suffixes.map((suffix) =>
      `/${prefix}/${suffix}`.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1'),
    ),
  )
}

function guardsOf(target: Target): unknown[] {
  return (Reflect.getMetadata(GUARDS_METADATA, target) as unknown[] | undefined) ?? []
}

function isApiKeyGuard(guard: unknown): boolean {
  return (
    typeof guard === 'function' && (guard === ApiKeyGuard || guard.prototype instanceof ApiKeyGuard)
  )
}
