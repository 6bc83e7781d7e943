/**
 * The shape of the queued send on AWS, in one place: the CDK stack (infra/constructs/delivery.ts)
 * deploys these settings, and the local twin of the stack (`newsletter dev --stack-twin`, `npm run
 * simulate`) runs the same sender handler under the same ones. How many sender functions drain the
 * send queue at once, and how fast each one sends, so that together they keep to the SES account's
 * maximum send rate instead of being throttled by it.
 */

/** The sender function and its SQS event source as deployed. */
export const SENDER = {
  /** Lambda timeout of one sender invocation, seconds. */
  timeoutSeconds: 180,
  memoryMb: 512,
  /** SQS messages per invocation (each a batch of subscriber ids). */
  batchSize: 5,
  /** Six times the sender's timeout, as AWS advises for Lambda consumers of SQS. */
  visibilityTimeoutSeconds: 180 * 6,
  /** A message received this many times without being deleted goes to the DLQ. */
  maxReceiveCount: 5,
  /** How long the send queue keeps a message, seconds (4 days). */
  retentionSeconds: 4 * 24 * 3600,
  /**
   * The sender puts batches back on its own queue on purpose (a quota wait of up to a day in
   * quarter-hour delays, a lock wait, a batch cut short by the time budget, the next step of an
   * approved fan-out), a Lambda → SQS → same Lambda chain that Lambda's recursive-loop detection
   * stops after 16 hops by default, dead-lettering the message: so the loop is allowed on the sender
   * (`recursiveLoop: Allow`) and bounded by `hopBudget` in each message instead.
   * https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html
   */
  recursiveLoop: 'Allow',
  /**
   * Re-queues one batch may make before the sender gives it up to the DLQ (and an alarm): two weeks
   * of quarter-hour quota waits, far past any real wait, so only a runaway loop reaches it.
   */
  hopBudget: 1344,
  /**
   * Seconds before the invocation's deadline at which a sender stops taking readers, leaving time to
   * record the sends in flight, count the batch and hand the rest back (SES and DynamoDB calls time
   * out well within it).
   */
  reserveSeconds: 30,
} as const satisfies SenderSettings;

/** The sender's settings, typed so that the stack and the twin read the same names. */
export interface SenderSettings {
  timeoutSeconds: number;
  memoryMb: number;
  batchSize: number;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  retentionSeconds: number;
  recursiveLoop: 'Allow' | 'Terminate';
  hopBudget: number;
  reserveSeconds: number;
}

/** A sender paces itself to this many messages per second at most: a few SES calls in flight. */
const MAX_RATE_PER_SENDER = 25;
/** Lambda's SQS event source accepts a maximum concurrency from 2 to 1000. */
const MIN_SENDERS = 2;
const MAX_SENDERS = 1000;

export interface SenderCapacity {
  /** The SQS event source's maximum concurrency. */
  maxConcurrency: number;
  /**
   * Messages per second for one sender at the deploy-time rate (the output SendRate); at run time
   * each sender takes 1/maxConcurrency of GetSendQuota's MaxSendRate.
   */
  ratePerSender: number;
}

/**
 * @example
 * senderCapacity(14); // { maxConcurrency: 2, ratePerSender: 7 }
 */
export function senderCapacity(sendRate: number): SenderCapacity {
  if (!Number.isFinite(sendRate) || sendRate <= 0) {
    throw new RangeError(`sendRate ${sendRate} must be a positive number of messages per second (the SES account's maximum send rate)`);
  }
  const maxConcurrency = Math.min(MAX_SENDERS, Math.max(MIN_SENDERS, Math.ceil(sendRate / MAX_RATE_PER_SENDER)));
  // Round down to a hundredth so that the senders together never exceed the account's rate.
  const ratePerSender = Math.floor((sendRate / maxConcurrency) * 100) / 100;
  return { maxConcurrency, ratePerSender: Math.max(ratePerSender, 0.01) };
}
