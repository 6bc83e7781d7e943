/** One unit of fan-out work: send an edition to these subscribers. */
export interface SendBatchMessage {
  newsletterId: string;
  editionId: string;
  subscriberIds: string[];
}

/** The queue between the scheduled digest (renders once, enqueues) and the senders (drain, send). */
export interface SendQueue {
  enqueue(batches: SendBatchMessage[]): Promise<void>;
}
