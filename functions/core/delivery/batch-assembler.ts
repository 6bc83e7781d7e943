import { deliveryGroupOf } from './groups.js';
import { SEND_BATCH_SIZE, type SendBatchMessage } from './queue-messages.js';

/**
 * Builds send-queue messages from ids read in list order, keeping each delivery group in one
 * message, also across pages: two senders given halves of one group would wait on each other's
 * lock. A message closes at a group boundary once it holds half a batch; a group far larger than a
 * batch (an uneven list) is split rather than queued as one oversized message.
 */
export class SendBatchAssembler {
  private current: string[] = [];
  private currentGroup: string | undefined;
  constructor(
    private readonly newsletterId: string,
    private readonly editionId: string,
    private readonly groups: number | undefined,
    private readonly batchSize = SEND_BATCH_SIZE,
  ) {}

  /** Adds ids; returns the messages that are complete. */
  add(subscriberIds: readonly string[]): SendBatchMessage[] {
    const done: SendBatchMessage[] = [];
    for (const id of subscriberIds) {
      const group = deliveryGroupOf(id, this.groups);
      // Readers locked one by one (an edition without groups) need no boundary: full batches.
      const full =
        this.groups === undefined
          ? this.current.length >= this.batchSize
          : (group !== this.currentGroup && this.current.length >= Math.ceil(this.batchSize / 2)) || this.current.length >= this.batchSize * 4;
      if (full) done.push(this.take());
      this.current.push(id);
      this.currentGroup = group;
    }
    return done;
  }

  /** The last, partly filled message, if any. */
  finish(): SendBatchMessage[] {
    return this.current.length ? [this.take()] : [];
  }

  private take(): SendBatchMessage {
    const message = { newsletterId: this.newsletterId, editionId: this.editionId, subscriberIds: this.current };
    this.current = [];
    return message;
  }
}

/** Splits subscriber ids into send-queue messages of an edition, whole delivery groups each (the digest's fan-out and the operator's re-queue). */
export function sendBatchMessages(
  newsletterId: string,
  editionId: string,
  subscriberIds: readonly string[],
  batchSize = SEND_BATCH_SIZE,
  groups?: number,
): SendBatchMessage[] {
  const assembler = new SendBatchAssembler(newsletterId, editionId, groups, batchSize);
  return [...assembler.add(subscriberIds), ...assembler.finish()];
}
