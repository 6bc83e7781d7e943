import pRetry from 'p-retry';
import type { DeliveryReport } from '../../core/delivery/report.js';
import type { SendContext } from './send-context.js';

/** Mark writes on their way at once; marks arriving meanwhile wait and go together in the next. */
const MARK_WRITES = 1;

/**
 * Records accepted sends in the ledger, many at a time (one BatchWriteItem instead of one write
 * each), one write on its way at a time: marks that arrive meanwhile wait and go together in the
 * next write (a group commit). A sender waits for its own mark to be written before it takes
 * the next reader, so each sender holds at most one reader SES has and the ledger does not: a crash
 * (kill -9, a Lambda timeout) re-sends at most `concurrency` readers, each with the same Message-ID.
 * A write that fails after its retries stops the batch (`failure`): nothing more is sent unrecorded.
 */
export class SentRecorder {
  private waiting: { marks: { subscriberId: string; messageId: string }[]; written: Promise<void>; done(): void } | undefined;
  private readonly writes = new Set<Promise<void>>();
  failure: unknown;
  constructor(
    private readonly ctx: SendContext,
    private readonly report: DeliveryReport,
  ) {}

  /** Resolves once the mark is in the ledger, or once its write has failed for good (then `failure` is set). */
  add(subscriberId: string, messageId: string): Promise<void> {
    const next = (this.waiting ??= SentRecorder.group());
    next.marks.push({ subscriberId, messageId });
    if (this.writes.size < MARK_WRITES) this.startWrite();
    return next.written;
  }

  /** Writes whatever waits and every write on its way. */
  async flush(): Promise<void> {
    this.startWrite();
    while (this.writes.size > 0) await Promise.all(this.writes);
  }

  private static group() {
    let done!: () => void;
    const written = new Promise<void>((resolve) => (done = resolve));
    return { marks: [] as { subscriberId: string; messageId: string }[], written, done };
  }

  private startWrite(): void {
    const group = this.waiting;
    this.waiting = undefined;
    if (!group || group.marks.length === 0) {
      group?.done();
      return;
    }
    const write: Promise<void> = this.write(group.marks).finally(() => {
      this.writes.delete(write);
      group.done();
      // What arrived while the write was on its way goes next.
      if (this.waiting) this.startWrite();
    });
    this.writes.add(write);
  }

  private async write(batch: { subscriberId: string; messageId: string }[]): Promise<void> {
    const at = this.ctx.clock.now().toISOString();
    await pRetry(() => this.ctx.ledger.markSentMany(this.ctx.editionId, batch, at), { retries: 4, minTimeout: 100, randomize: true }).catch(
      (error: unknown) => {
        // SES has these messages: they count as sent, and their groups stay locked until the lease runs out.
        this.report.unrecorded = (this.report.unrecorded ?? 0) + batch.length;
        this.failure ??= error;
      },
    );
  }
}
