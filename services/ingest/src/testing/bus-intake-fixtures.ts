import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { IntakeRejected, subjectRoot } from '@tessera/contracts'
import { eventually } from '@tessera/testing'
import type { IngestHarness } from './ingest-harness.ts'

/** Reading and writing the INTAKE stream of a harness, as a publisher on the bus would. */
export class BusIntake {
  constructor(private readonly h: IngestHarness) {}

  private get stream() {
    return `${this.h.prefix}INTAKE`
  }

  /**
   * Publishes a body on `<root>.intake.<protocol>` (JSON-encoded unless it is text or bytes
   * already); returns its stream sequence.
   */
  async publish(protocol: string, body: unknown): Promise<number> {
    const data =
      typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body)
    const subject = `${subjectRoot(this.h.prefix)}.intake.${protocol}`
    return (await jetstream(this.h.nc).publish(subject, data)).seq
  }

  /** Waits until ingest has finished with (acked) every intake message up to `seq`. */
  async processed(seq: number): Promise<void> {
    const jsm = await jetstreamManager(this.h.nc)
    await eventually(
      async () =>
        (await jsm.consumers.info(this.stream, 'ingest-intake')).ack_floor.stream_seq >= seq
          ? true
          : undefined,
      { what: `message ${seq} to be processed` },
    )
  }

  /** The rejections published so far, by the sequence of the message they reject. */
  async rejections(): Promise<Map<number, IntakeRejected>> {
    const jsm = await jetstreamManager(this.h.nc)
    const { state } = await jsm.streams.info(this.stream)
    const found = new Map<number, IntakeRejected>()
    for (let s = state.first_seq; state.messages > 0 && s <= state.last_seq; s++) {
      const m = await jsm.streams.getMessage(this.stream, { seq: s })
      if (!m?.subject.endsWith('.intake.rejected')) continue
      const r = IntakeRejected.parse(m.json())
      found.set(r.streamSequence, r)
    }
    return found
  }

  /** Waits for the rejection ingest publishes for the intake message at `seq`. */
  rejectionOf(seq: number): Promise<IntakeRejected> {
    return eventually(async () => (await this.rejections()).get(seq), {
      what: `the rejection of message ${seq}`,
    })
  }

  /** Which of these messages were rejected, once ingest has processed them all. */
  async rejectedOf(seqs: number[]): Promise<number[]> {
    await this.processed(Math.max(...seqs))
    const all = await this.rejections()
    return seqs.filter((s) => all.has(s))
  }
}
