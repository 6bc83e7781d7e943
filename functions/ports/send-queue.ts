/** One unit of fan-out work: send an edition to these subscribers. */
export interface SendBatchMessage {
  newsletterId: string;
  editionId: string;
  subscriberIds: string[];
}

/** The queue between the scheduled digest (renders once, enqueues) and the senders (drain, send). */
export interface SendQueue {
  /** `delaySeconds` (at most 900 on SQS) holds the batches back: a batch waiting for quota comes back later without counting as a failed receive. */
  enqueue(batches: SendBatchMessage[], options?: { delaySeconds?: number }): Promise<void>;
}
