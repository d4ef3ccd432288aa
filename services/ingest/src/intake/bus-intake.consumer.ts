import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common'
import { jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Logger } from 'pino'
import {
  type IntakeRejected,
  intakeRejectedSubject,
  intakeSubjects,
  subjectRoot,
} from '@tessera/contracts'
import { type RawDelivered, type RunningConsumer, runRawConsumer } from '@tessera/bus'
import { sha256Hex } from '@tessera/crypto'
import { ApiError, CONFIG, LOGGER, NATS } from '@tessera/service-kit'
import { readIntakeMessage } from '../domain/intake/bus-message.ts'
import type { IngestEnv } from '../ingest.env.ts'
import { IntakeService } from './intake.service.ts'

/**
 * Raw telemetry published on `tessera.intake.>`: validated exactly as over HTTP. Accepted
 * events join the log before the message is acked; what is refused goes to
 * `tessera.intake.rejected` with its codes and the original payload. A redelivered message is
 * recognised by its stream sequence and stored once.
 */
@Injectable()
export class BusIntakeConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: RunningConsumer
  private readonly prefix: string

  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(CONFIG) config: IngestEnv,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(IntakeService) private readonly intake: IntakeService,
  ) {
    this.prefix = config.TESSERA_STREAM_PREFIX
  }

  async onApplicationBootstrap() {
    const spec = {
      stream: `${this.prefix}INTAKE`,
      durable: 'ingest-intake',
      filterSubject: intakeSubjects(this.prefix),
      batchSize: 200,
      prefix: this.prefix,
    }
    this.consumer = await runRawConsumer(this.nc, spec, (batch) => this.handle(batch), this.log)
  }

  async beforeApplicationShutdown() {
    await this.consumer?.stop()
  }

  /** All messages of a batch at once, so their events share group commits. */
  private async handle(batch: RawDelivered[]) {
    await Promise.all(batch.map((m) => this.one(m)))
  }

  private async one(m: RawDelivered) {
    if (m.subject === intakeRejectedSubject(this.prefix)) return
    const text = new TextDecoder().decode(m.data)
    const msg = readIntakeMessage(subjectRoot(this.prefix), m.subject, text)
    if (!msg.ok) {
      return this.reject(
        m,
        text,
        msg.code,
        [{ index: -1, error: msg.code, message: msg.message }],
        [],
      )
    }
    // The sequence names the message, the hash tells a redelivery from a reused sequence
    // (a recreated stream): a redelivered message is stored once.
    const hash = sha256Hex(m.data)
    const claim = { id: `intake:${m.streamSequence}:${hash}`, hash }
    if (msg.protocol === 'arden') {
      const { response, messages } = await this.intake.arden(msg.events, null, claim)
      const rejected = response.rejected.map((r) => ({
        ...r,
        message: messages.get(r.index) ?? r.error,
      }))
      if (rejected.length)
        await this.reject(m, text, rejected[0]!.error, rejected, response.event_ids)
      return
    }
    const batchId = msg.batchId === undefined ? claim.id : `intake:batch:${msg.batchId}`
    let response
    try {
      // A client's batchId is scoped by its agents' orgs; the message's own id is not.
      const clientBatch = msg.batchId !== undefined
      ;({ response } = await this.intake.telemetry(null, batchId, msg.events, clientBatch))
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'BATCH_CONFLICT') throw err
      return this.reject(
        m,
        text,
        err.code,
        [{ index: -1, error: err.code, message: err.message }],
        [],
      )
    }
    const rejected = response.rejected.map((r) => ({
      index: r.index,
      error: r.code,
      message: r.message,
    }))
    if (rejected.length) await this.reject(m, text, rejected[0]!.error, rejected, response.eventIds)
  }

  private async reject(
    m: RawDelivered,
    payload: string,
    code: string,
    rejected: IntakeRejected['rejected'],
    accepted: string[],
  ) {
    const body: IntakeRejected = {
      subject: m.subject,
      streamSequence: m.streamSequence,
      code,
      rejected,
      acceptedEventIds: accepted,
      payload,
    }
    await jetstream(this.nc).publish(intakeRejectedSubject(this.prefix), JSON.stringify(body), {
      msgID: `rejected.${m.streamSequence}`,
    })
    this.log.info(
      { subject: m.subject, seq: m.streamSequence, code, count: rejected.length },
      'intake rejected',
    )
  }
}
