import 'reflect-metadata'
import { NestFactory } from '@nestjs/core'
import type { z } from 'zod'
import { migrateSchema } from '@tessera/event-store'
import { rebuildProjection } from '@tessera/projections'
import { ApiKeyProjection } from './api-keys.ts'
import { toProjection } from './event-consumer.ts'
import { type ServiceDefinition, connectDependencies, rootModule } from './run-service.ts'

/** `db:migrate` for one service: applies its pending migrations and prints their names. */
export async function runMigrateCli<E extends z.ZodObject>(
  def: ServiceDefinition<E>,
): Promise<void> {
  const deps = await connectDependencies(def, { connectBus: false })
  try {
    const applied = await migrateSchema(deps.db, deps.schema, deps.migrations)
    process.stdout.write(
      `${def.name}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}\n`,
    )
  } finally {
    await deps.close()
  }
}

/**
 * `rebuild <projection>`: replays a read model from position 0, printing progress.
 * With no argument it lists the service's rebuildable projections.
 */
export async function runRebuildCli<E extends z.ZodObject>(
  def: ServiceDefinition<E>,
  args: string[],
): Promise<void> {
  const deps = await connectDependencies(def, { connectBus: true })
  const ctx = await NestFactory.createApplicationContext(rootModule(def, deps), { logger: false })
  try {
    const projections = [ApiKeyProjection, ...(def.consumers ?? [])]
      .map((t) => toProjection(ctx.get(t), deps.config.TESSERA_STREAM_PREFIX))
      .filter((p) => p.rebuildable)
    const wanted = args[0]
    const projection = projections.find((p) => p.name === wanted)
    if (!projection) {
      process.stderr.write(
        `${wanted ? `unknown projection ${wanted}. ` : ''}` +
          `${def.name} projections: ${projections.map((p) => p.name).join(', ')}\n`,
      )
      process.exitCode = 2
      return
    }
    const result = await rebuildProjection({
      nc: deps.nc!,
      db: deps.db,
      schema: def.name,
      projection,
      onProgress: (p) => {
        const pct = p.total ? ((100 * p.applied) / p.total).toFixed(1) : '100'
        process.stderr.write(
          `\r${p.projection}: ${p.applied}/${p.total} (${pct}%) ${p.eventsPerSecond} ev/s`,
        )
      },
    })
    process.stderr.write('\n')
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    await ctx.close()
    await deps.close()
  }
}
