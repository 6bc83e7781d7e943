/** Where one delivery stands in the ledger; no entry means nobody has tried it yet. */
export type DeliveryState = 'claimed' | 'sent' | 'failed' | 'skipped';

/** A delivery that failed after its retries: by subscriber id, never the address. */
export interface FailedDelivery {
  subscriberId: string;
  reason: string;
}

/**
 * Read-side of the delivery ledger, for the operator's way back: which readers of an edition already
 * have it (so a resume queues only the others) and which deliveries failed (so a resend queues only
 * those). The senders never need it: their conditional claims decide on their own.
 */
export interface DeliveryLookup {
  /** The state of each of these subscribers' deliveries of the edition; absent ids have no entry. */
  states(editionId: string, subscriberIds: readonly string[]): Promise<Map<string, DeliveryState>>;
  /** The edition's failed deliveries, a page at a time (memory stays flat however many failed). */
  failed(editionId: string): AsyncIterable<FailedDelivery[]>;
  /** Readers with an ending on record (sent, failed or skipped), each once (see DeliveryLedger.countEnded). */
  countEnded(editionId: string): Promise<number>;
}
