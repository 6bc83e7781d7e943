/**
 * The names of the product's own CloudWatch metrics, shared by the handlers that emit them and the
 * stack whose dashboard and alarms read them (a module of its own, so the stack loads no Powertools).
 */

/** The CloudWatch namespace of the product's metrics. */
export const METRICS_NAMESPACE = 'Newsletter';

export const METRIC_NAMES = {
  sent: 'DeliveriesSent',
  failed: 'DeliveriesFailed',
  throttled: 'SendThrottled',
  suppressed: 'Suppressed',
  /** Readers handed back to the queue after SES errors on every attempt (sent a minute later, or failed after MAX_HAND_BACKS). */
  handedBack: 'DeliveriesHandedBack',
  paused: 'EditionPaused',
  /** A queued batch gave up after spending its hop budget (a runaway loop): it goes to the DLQ. */
  hopBudgetSpent: 'HopBudgetSpent',
  /** A batch waiting for the 24-hour quota sleeps in a one-time EventBridge Scheduler schedule. */
  wakeUpsScheduled: 'WakeUpsScheduled',
  /** The schedule could not be made (permissions, Scheduler's quota): the batch was re-queued every 15 minutes instead. */
  wakeUpScheduleFailures: 'WakeUpScheduleFailures',
  /** From the digest function's hourly watch: hours since the oldest edition still sending was made. */
  oldestSending: 'OldestSendingEditionHours',
  /** From the digest function, with a language-model extractor: points dropped as unfaithful (replaced from the embedded extractor). */
  keyPointsDropped: 'KeyPointsDropped',
  /** From the digest function, with a language-model extractor: articles whose points all came from the embedded extractor. */
  keyPointFallbacks: 'KeyPointFallbacks',
} as const;

/** Powertools adds the function's service name as a dimension to every metric. */
export const SERVICE_DIMENSION = 'service';
