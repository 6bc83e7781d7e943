import { SendBatchAssembler } from '../core/delivery/batch-assembler.js';
import type { SendBatchMessage, SendQueueMessage } from '../core/delivery/queue-messages.js';

export type { SendBatchMessage, SendQueueMessage } from '../core/delivery/queue-messages.js';

/** The queue between the scheduled digest (renders once, enqueues) and the senders (drain, send). */
export interface SendQueue {
  /** `delaySeconds` (at most 900 on SQS) holds the batches back: a batch waiting for quota comes back later without counting as a failed receive. */
  enqueue(messages: SendQueueMessage[], options?: { delaySeconds?: number }): Promise<void>;
}

/**
 * Queues subscriber ids read in list order as messages of whole delivery groups (see
 * SendBatchAssembler) and counts the messages: the digest's fan-out and the operator's re-queue.
 */
export class GroupedSendQueue {
  batches = 0;
  private readonly assembler: SendBatchAssembler;
  constructor(
    private readonly queue: SendQueue,
    edition: { newsletterId: string; editionId: string; deliveryGroups?: number | undefined },
    batchSize?: number,
  ) {
    this.assembler = new SendBatchAssembler(edition.newsletterId, edition.editionId, edition.deliveryGroups, batchSize);
  }

  async add(subscriberIds: readonly string[]): Promise<void> {
    await this.send(this.assembler.add(subscriberIds));
  }

  /** Queues the last, partly filled message. */
  async finish(): Promise<void> {
    await this.send(this.assembler.finish());
  }

  private async send(messages: SendBatchMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.queue.enqueue(messages);
    this.batches += messages.length;
  }
}
