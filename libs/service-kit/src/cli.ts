import 'reflect-metadata'
import { NestFactory } from '@nestjs/core'
import type { z } from 'zod'
import { migrateSchema } from '@tessera/event-store'
import { rebuildProjection } from '@tessera/projections'
import { ApiKeyProjection } from './api-keys.ts'
import { toProjection } from './event-consumer.ts'
import { rebuildInlineProjection } from './inline-projection.ts'
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
 * `rebuild <projection>`: replays a read model from position 0, printing progress. Inline
 * projections replay the service's own events table; bus-fed ones replay their streams.
 * With no argument it lists the service's rebuildable projections.
 */
export async function runRebuildCli<E extends z.ZodObject>(
  def: ServiceDefinition<E>,
  args: string[],
): Promise<void> {
  const deps = await connectDependencies(def, { connectBus: true })
  const ctx = await NestFactory.createApplicationContext(rootModule(def, deps), { logger: false })
  try {
    const inline = def.projections ?? []
    const projections = [ApiKeyProjection, ...(def.consumers ?? [])]
      .map((t) => toProjection(ctx.get(t), deps.config.TESSERA_STREAM_PREFIX))
      // a table an inline projection writes is rebuilt from the service's own log
      .filter((p) => p.rebuildable && !inline.some((i) => i.name === p.name))
    const wanted = args[0]
    const inlineOne = inline.find((p) => p.name === wanted)
    const projection = projections.find((p) => p.name === wanted)
    if (!inlineOne && !projection) {
      process.stderr.write(
        `${wanted ? `unknown projection ${wanted}. ` : ''}` +
          `${def.name} projections: ${[...inline, ...projections].map((p) => p.name).join(', ')}\n`,
      )
      process.exitCode = 2
      return
    }
    const onProgress = (p: {
      projection: string
      applied: number
      total: number
      eventsPerSecond: number
    }) => {
      const pct = p.total ? ((100 * p.applied) / p.total).toFixed(1) : '100'
      process.stderr.write(
        `\r${p.projection}: ${p.applied}/${p.total} (${pct}%) ${p.eventsPerSecond} ev/s`,
      )
    }
    const result = inlineOne
      ? await rebuildInlineProjection({
          db: deps.db,
          schema: def.name,
          projection: inlineOne,
          onProgress,
        })
      : await rebuildProjection({
          nc: deps.nc!,
          db: deps.db,
          schema: def.name,
          projection: projection!,
          onProgress,
        })
    process.stderr.write('\n')
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    await ctx.close()
    await deps.close()
  }
}
