import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import pRetry, { AbortError } from 'p-retry';
import { NewsletterError } from '../../core/errors.js';
import type { SendQueue, SendQueueMessage } from '../../ports/send-queue.js';

/** SQS takes at most 10 messages per SendMessageBatch call. */
const SQS_BATCH = 10;
/** The longest delay SQS allows on a message; longer waits are chained by re-queuing again. */
const SQS_MAX_DELAY_SECONDS = 900;

/**
 * The send queue on SQS. Messages carry subscriber ids, never addresses: the sender reads each
 * subscriber again, so someone who left after the edition was queued is not mailed.
 */
export class SqsSendQueue implements SendQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(batches: SendQueueMessage[], options: { delaySeconds?: number } = {}): Promise<void> {
    const delay = options.delaySeconds ? Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, Math.round(options.delaySeconds))) : 0;
    for (let i = 0; i < batches.length; i += SQS_BATCH) {
      let pending = batches
        .slice(i, i + SQS_BATCH)
        .map((batch, j) => ({ Id: String(j), MessageBody: JSON.stringify(batch), ...(delay ? { DelaySeconds: delay } : {}) }));
      // SendMessageBatch can fail some entries and not others; retry only those.
      await pRetry(
        async () => {
          const result = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
          const failed = new Set((result.Failed ?? []).map((f) => f.Id));
          if (failed.size === 0) return;
          const senderFault = (result.Failed ?? []).find((f) => f.SenderFault);
          if (senderFault) throw new AbortError(`SQS refused send batch ${senderFault.Id}: ${senderFault.Code} ${senderFault.Message ?? ''}`);
          pending = pending.filter((entry) => failed.has(entry.Id));
          // The last attempt's error is what the digest run reports.
          throw new NewsletterError(
            `SQS could not take ${failed.size} send batch(es) of queue ${this.queueUrl} after retries: run the digest ` +
              `again (the ledger skips whoever already has the edition)`,
          );
        },
        { retries: 5, minTimeout: 100, maxTimeout: 5_000, randomize: true },
      );
    }
  }
}
