import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { TokenKeys } from '../core/tokens.js';
import type { DeliveryLedger } from '../ports/delivery-ledger.js';
import type { DeliveryLookup } from '../ports/delivery-lookup.js';
import type { EditionStore } from '../ports/edition-store.js';
import type { Mailer } from '../ports/mailer.js';
import type { SendBudget } from '../ports/send-budget.js';
import type { KeyPointCache } from '../ports/key-point-cache.js';
import type { SignUpLimitStore } from '../ports/sign-up-limits.js';
import type { FeedbackLog, SubscriberStore, SuppressionStore } from '../ports/subscriber-store.js';

/**
 * What a place to run the newsletter provides: the local app (`cli/local-app.ts`, embedded or
 * AWS_ENDPOINT_URL_* servers) and the AWS context (`handlers/aws-context.ts`, one per Lambda
 * container) both give this shape, and the wiring modules beside this one (`edition.ts`,
 * `delivery.ts`, `subscriptions.ts`) turn it into each use case's dependencies. A new store or
 * service is added here once, then provided by both. Articles are not here: each place reads
 * them its own way (folders locally, the bucket on AWS) and passes its sources in.
 */
export interface AppServices {
  config: Config;
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  signUpLimits: SignUpLimitStore;
  editions: EditionStore;
  ledger: DeliveryLedger;
  /** The ledger read by edition: who has it, the failed deliveries, how many ended (re-queues and `editions show`). */
  deliveries: DeliveryLookup;
  /** SES feedback already handled, by feedback id, so a redelivered notification is counted once. */
  feedback: FeedbackLog;
  mailer: Mailer;
  /** Sign and check links (`signing`, `accepted`) and key subscriber ids (`id`, never rotated). */
  tokenKeys: TokenKeys;
  clock: Clock;
  /** Where the bundled templates are when not beside the renderer (in a Lambda bundle). */
  templatesDir?: string | undefined;
  /** A newsletter's own template folder, by newsletter id (`template` in the config). */
  templateDirs?: Record<string, string>;
  /**
   * The 24-hour quota shared by senders running at once (the queued send on AWS); absent where one
   * process sends alone and GetSendQuota is all it needs.
   */
  sendBudget?: SendBudget;
  /** A language-model extractor's answers per article (the table), so a re-run never pays twice. */
  keyPointCache?: KeyPointCache;
  /** The environment an API key is read from (`keyPoints.llm.apiKeyEnv`); read at the boundary, never in core. */
  environment?: Readonly<Record<string, string | undefined>>;
}
