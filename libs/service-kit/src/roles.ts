import { SetMetadata } from '@nestjs/common'
import { ApiKeyRole } from '@tessera/contracts'
import { ApiError } from './errors.ts'

/**
 * Who may call which route (docs/roles.md). Every route declares it, on its method or its
 * controller: `@Roles(...)` for a route behind `ApiKeyGuard`, which refuses every other
 * role, or `@NoApiKey(why)` for one answered without a key. A service whose routes do not all
 * declare it refuses to start (route-table.ts).
 */
export type Role = ApiKeyRole
export const ROLES: readonly Role[] = ApiKeyRole.options

export type RouteAccess = { roles: readonly Role[] } | { noApiKey: string }

const ACCESS = 'tessera:route-access'

/** The roles whose keys may call this route (or every route of this controller). */
export const Roles = (...roles: [Role, ...Role[]]) =>
  SetMetadata<string, RouteAccess>(ACCESS, { roles })

/** This route is answered without an API key; `why` says what protects it instead. */
export const NoApiKey = (why: string) => SetMetadata<string, RouteAccess>(ACCESS, { noApiKey: why })

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- what Nest hands a guard
export type Target = Function

/** A route's declaration: the method's wins over its controller's. */
export function accessOf(handler: Target, controller: Target): RouteAccess | undefined {
  return (Reflect.getMetadata(ACCESS, handler) ?? Reflect.getMetadata(ACCESS, controller)) as
    RouteAccess | undefined
}

/**
 * 403 `AUTH_DENIED` unless `role` is one the route names. Fails closed: a route that names no
 * roles (or says it takes no key, yet sits behind the key guard) is refused to every key.
 */
export function requireRole(role: Role, access: RouteAccess | undefined): void {
  const allowed = access && 'roles' in access ? access.roles : []
  if (!allowed.includes(role)) {
    const a = /^[aeiou]/.test(role) ? 'an' : 'a'
    throw new ApiError(403, 'AUTH_DENIED', `${a} ${role} key may not do that`, { role, allowed })
  }
}
