import { Inject, Injectable } from '@nestjs/common'
import { sql } from 'kysely'
import type { SchemaDb } from '@tessera/event-store'
import {
  DB,
  EVENT_LOG,
  type EventLog,
  SERVICE_SCHEMA,
  type ServiceWorker,
} from '@tessera/service-kit'
import { MODEL_VERSION } from '../domain/trust/trust-model.ts'
import { PgEvidenceStore, lockProfiles } from './pg-evidence-store.ts'

/**
 * On start, a profile of another model version means the model changed: every profile is
 * recomputed from the stored evidence set, and the net moves are published as ScoreChanged.
 * (A change to what evidence is kept needs `npm run rebuild -- scoring trust-<context>`.)
 */
@Injectable()
export class ModelVersionReprofiler implements ServiceWorker {
  constructor(
    @Inject(DB) private readonly db: SchemaDb,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(EVENT_LOG) private readonly log: EventLog,
  ) {}

  async start(): Promise<void> {
    await this.reprofileIfStale()
  }

  /** How many profiles were recomputed (0 when every one is of this version). */
  reprofileIfStale(): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      await lockProfiles(tx, this.schema)
      const { rows } = await sql`select 1 from ${sql.id(this.schema)}.agent_profiles
        where model_version <> ${MODEL_VERSION} limit 1`.execute(tx)
      if (rows.length === 0) return 0
      return new PgEvidenceStore(tx, this.schema, 'model', this.log).reprofileAll()
    })
  }

  stop(): Promise<void> {
    return Promise.resolve()
  }
}
