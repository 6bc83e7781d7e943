/**
 * What a claim found: the delivery is ours to send, someone already sent it, or another sender
 * holds a live claim on it right now (two runs at once, or a redelivered queue message).
 */
export type ClaimResult = 'claimed' | 'already-sent' | 'in-progress';

/** Who claims a delivery, and until when the claim holds if that sender goes quiet. */
export interface ClaimRequest {
  at: string;
  /** Identifies the sending run, e.g. `local:host:pid:run` or a Lambda request id. */
  owner: string;
  /** After this instant another sender may take the delivery over (the claimer is presumed dead). */
  leaseUntil: string;
}

/**
 * The delivery ledger: one entry per (edition, subscriber). A delivery is claimed with a
 * conditional write before sending and marked sent after, so a re-run, a second run at the same
 * time or a retried Lambda never sends a second copy of what is marked sent or being sent.
 */
export interface DeliveryLedger {
  claim(editionId: string, subscriberId: string, request: ClaimRequest): Promise<ClaimResult>;
  markSent(editionId: string, subscriberId: string, messageId: string, at: string): Promise<void>;
  /**
   * Marks many claimed deliveries sent in one write (each entry was claimed by `owner` and accepted
   * by SES). A crash before it lands leaves those claims to be taken over and sent again, with the
   * same Message-ID: callers keep the number of unrecorded sends small.
   */
  markSentMany(editionId: string, sent: readonly { subscriberId: string; messageId: string }[], owner: string, at: string): Promise<void>;
  markFailed(editionId: string, subscriberId: string, reason: string, at: string): Promise<void>;
  /** Gives back a claim that was never sent (SES refused the account, not the reader), so a resumed run may claim it at once. */
  release(editionId: string, subscriberId: string, owner: string): Promise<void>;
}
