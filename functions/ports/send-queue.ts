import type { SendQueueMessage } from '../core/delivery.js';

export type { FanOutMessage, SendBatchMessage, SendQueueMessage } from '../core/delivery.js';

/** The queue between the scheduled digest (renders once, enqueues) and the senders (drain, send). */
export interface SendQueue {
  /** `delaySeconds` (at most 900 on SQS) holds the batches back: a batch waiting for quota comes back later without counting as a failed receive. */
  enqueue(messages: SendQueueMessage[], options?: { delaySeconds?: number }): Promise<void>;
}
