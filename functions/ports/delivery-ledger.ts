/** Who claims a delivery, and until when the claim holds if that sender goes quiet. */
export interface ClaimRequest {
  at: string;
  /** Identifies the sending run, e.g. `local:host:pid:run` or a Lambda request id. */
  owner: string;
  /** After this instant another sender may take the delivery over (the claimer is presumed dead). */
  leaseUntil: string;
}

/**
 * A group lock taken: `first` when the group was never locked for this edition before (so no
 * sender has recorded anything for its readers), `claimed` when taken over or extended, or
 * `in-progress` when another sender holds it.
 */
export type GroupClaim = 'first' | 'claimed' | 'in-progress';

/** One delivery as the ledger has it: what a sender holding the reader's group reads before sending. */
export interface DeliveryEntry {
  /** `skipped`: the reader had left or was suppressed when a sender came to them (an ending, like sent or failed). */
  status: 'claimed' | 'sent' | 'failed' | 'skipped';
  owner?: string;
  leaseUntil?: string;
}

/**
 * The delivery ledger: one entry per (edition, subscriber), and a lock per delivery group of the
 * edition (see deliveryGroupOf). A sender locks the groups of its readers with one conditional
 * write each, reads where those deliveries stand, sends the ones nobody has sent and marks them
 * sent before letting the group go; so a re-run, a second run at the same time or a retried Lambda
 * never sends a second copy of what is marked sent or being sent. The latest edition sent to a new
 * reader as a welcome takes the reader's group lock the same way.
 */
export interface DeliveryLedger {
  /**
   * Locks one delivery group of the edition for `request.owner` until `request.leaseUntil`: taken when
   * it is new or released, its lease ran out, its owner is gone, or the owner already holds it (which
   * extends it).
   */
  claimGroup(editionId: string, group: string, request: ClaimRequest): Promise<GroupClaim>;
  /**
   * Extends a group lock the owner still holds (claimed by it, never released or taken over since);
   * false when it is no longer the owner's. Never takes a lock: a lost lock stays lost.
   */
  renewGroup(editionId: string, group: string, request: ClaimRequest): Promise<boolean>;
  /** Lets a group go (only the owner's own lock), once its sends are marked. */
  releaseGroup(editionId: string, group: string, owner: string): Promise<void>;
  /** Where these readers' deliveries stand; readers nobody tried are absent. */
  entries(editionId: string, subscriberIds: readonly string[]): Promise<Map<string, DeliveryEntry>>;
  /**
   * Marks many deliveries sent in one write (each of a group the caller holds, accepted by SES).
   * A crash before it lands leaves those readers without a record, and the next sender to hold their
   * group sends again, with the same Message-ID: callers keep the number of unrecorded sends small.
   */
  markSentMany(editionId: string, sent: readonly { subscriberId: string; messageId: string }[], at: string): Promise<void>;
  markFailed(editionId: string, subscriberId: string, reason: string, at: string): Promise<void>;
  /**
   * Records that these readers were passed over (left, erased or suppressed) where they have no
   * record yet, so every reader an edition ended has exactly one record, whoever counts.
   */
  markSkipped(editionId: string, subscriberIds: readonly string[], at: string): Promise<void>;
  /**
   * How many of the edition's readers have an ending on record (sent, failed or skipped): each
   * reader once, however often SQS delivered their batch. What decides that a queued edition is done.
   */
  countEnded(editionId: string): Promise<number>;
}
