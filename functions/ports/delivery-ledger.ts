/** What a claim found: the delivery is ours to send, or someone already sent it. */
export type ClaimResult = 'claimed' | 'already-sent';

/**
 * The delivery ledger: one entry per (edition, subscriber). A delivery is claimed with a
 * conditional write before sending and marked sent after, so a re-run or a retried Lambda
 * never sends a second copy of what is already marked sent.
 */
export interface DeliveryLedger {
  claim(editionId: string, subscriberId: string, at: string): Promise<ClaimResult>;
  markSent(editionId: string, subscriberId: string, messageId: string, at: string): Promise<void>;
  markFailed(editionId: string, subscriberId: string, reason: string, at: string): Promise<void>;
}
