import type { Clock } from '../../core/clock.js';
import type { NewsletterConfig } from '../../core/config.js';
import type { SignUpLimitSettings } from '../../core/sign-up-limits.js';
import type { TokenKeys } from '../../core/tokens.js';
import type { AfterAnswer } from '../../ports/after-answer.js';
import type { DeliveryLedger } from '../../ports/delivery-ledger.js';
import type { EditionStore } from '../../ports/edition-store.js';
import type { Mailer } from '../../ports/mailer.js';
import type { SignUpLimitStore } from '../../ports/sign-up-limits.js';
import type { SubscriberStore, SuppressionStore } from '../../ports/subscriber-store.js';

/**
 * Subscriptions: sign up with double opt-in, confirm, unsubscribe, preferences and erasure (confirmed by mail).
 * Functions over ports with an injected clock; expected outcomes are values, faults are thrown.
 * No address ever reaches the log: only subscriber ids (address hashes).
 */

export interface SubscriptionDependencies {
  /** The newsletters a reader can join; ids outside this list are refused. */
  newsletters: readonly NewsletterConfig[];
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  editions: EditionStore;
  /** Used to send the latest edition as a welcome at most once per reader. */
  ledger: DeliveryLedger;
  mailer: Mailer;
  tokenKeys: TokenKeys;
  clock: Clock;
  /** Counters of the sign-up limits, in the shared store. */
  signUpLimitStore: SignUpLimitStore;
  /** Confirmation mail limits; default DEFAULT_SIGN_UP_LIMITS (the config's `signUps`). */
  signUpLimitSettings?: SignUpLimitSettings;
  /**
   * Runs a sign-up's state-dependent work (store, confirmation mail) after the answer is decided.
   * Default: at once, before the use case returns (then the caller must hide its duration).
   */
  afterAnswer?: AfterAnswer;
  /** Retries of a throttled or failed confirmation send (sign-up or erasure); default 3 retries from 1 s, doubling. */
  confirmationRetry?: { retries: number; minTimeout: number };
  /** Structured log line; fields never hold an address. Default: JSON on stdout. */
  log?: SubscriptionLog;
  /** Where the MJML templates are (in a Lambda bundle they sit beside the code). */
  templatesDir?: string;
  /** A newsletter's own template folder, by newsletter id: its confirm.mjml and welcome.mjml, if any, word these mails. */
  templateDirs?: Record<string, string>;
}

export type SubscriptionLog = (event: string, fields: Record<string, string | number | boolean>) => void;

export const defaultLog: SubscriptionLog = (event, fields) => {
  console.log(JSON.stringify({ event, ...fields }));
};
