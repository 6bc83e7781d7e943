import type { SendQueueMessage } from './send-queue.js';

/**
 * Puts a message on the send queue at a set time further off than SQS can hold one back (15
 * minutes): a batch waiting hours for the 24-hour quota sleeps once, instead of waking every quarter
 * hour in a chain of re-queues.
 */
export interface ScheduledSend {
  sendAt(at: Date, message: SendQueueMessage): Promise<void>;
}
