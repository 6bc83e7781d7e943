/**
 * The shape of the queued send on AWS, in one place: the CDK stack (infra/constructs/delivery.ts)
 * deploys these settings, and the local twin of the stack (`newsletter dev --stack`, `npm run
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
} as const;

/** A sender paces itself to this many messages per second at most: a few SES calls in flight. */
export const MAX_RATE_PER_SENDER = 25;
/** Lambda's SQS event source accepts a maximum concurrency from 2 to 1000. */
const MIN_SENDERS = 2;
const MAX_SENDERS = 1000;

export interface SenderCapacity {
  /** The SQS event source's maximum concurrency. */
  maxConcurrency: number;
  /** Messages per second for one sender at the deploy-time rate (the output SendRate); at run time each sender takes 1/maxConcurrency of GetSendQuota's MaxSendRate. */
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
