/** Sends reserved from the shared 24-hour tally (see core/send-budget.ts). */
export interface BudgetReservation {
  granted: number;
  /** The bucket the reservation went into: unused sends are given back to it. */
  bucket: number;
  /** Set when the tally granted less than was wanted: when it next has room (core/send-budget.ts `roomFreesAt`). */
  roomAt?: Date;
}

/**
 * The 24-hour quota shared by every sender of the account: a sender reserves what it is about to
 * send before sending and gives back what it did not send, so senders running at once never
 * overshoot the quota together.
 */
export interface SendBudget {
  /**
   * Reserves up to `wanted` sends within `limit` per 24 hours, and never more than `cap` (what SES's
   * own count leaves); `granted` may be 0 (wait for the window).
   */
  reserve(wanted: number, limit: number, now: Date, cap?: number): Promise<BudgetReservation>;
  /** Gives back reserved sends that were not made. */
  giveBack(reservation: BudgetReservation, unused: number): Promise<void>;
}
