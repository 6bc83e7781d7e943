import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { readObservabilityEnvironment } from './environment.js';
import { METRIC_NAMES, METRICS_NAMESPACE } from './metric-names.js';

/**
 * Logs, metrics and traces of the Lambda functions, with Powertools for AWS Lambda (TypeScript):
 * JSON log lines with the request id and cold start, CloudWatch metrics written as Embedded Metric
 * Format log lines (no PutMetricData call, no extra permission, no latency), and X-Ray subsegments
 * for every AWS SDK call. Outside Lambda the tracer switches itself off, so tests and the CLI are
 * unaffected. Nothing here may log an address: callers pass ids and counts only.
 */

export { METRIC_NAMES, METRICS_NAMESPACE } from './metric-names.js';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
  /** Names the handler subsegment of each invocation's trace. */
  handlerName: string;
}

/**
 * One set per function, created at module load (Powertools reads its other settings from the
 * environment itself); the variables this code reads go through `readObservabilityEnvironment`.
 */
export function createObservability(serviceName: string, env: Record<string, string | undefined> = process.env): Observability {
  const settings = readObservabilityEnvironment(env);
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ serviceName, namespace: settings.metricsNamespace ?? METRICS_NAMESPACE }),
    tracer: new Tracer({ serviceName }),
    handlerName: settings.handler ?? 'handler',
  };
}

/** What a send result stands for in metrics. */
export interface DeliveryCounts {
  sent: number;
  failed: number;
  throttled: number;
  suppressed: number;
  /** Readers handed back after SES errors on every attempt (absent: none). */
  handedBack?: number;
  /** Set when the edition was paused by this batch (reputation, account or identity refusal). */
  pausedReason?: string;
}

/** The parts of a send result this module reads; `paused` may be absent in older results. */
type SendResultLike =
  | { status: 'sent'; report: { sent: number; failed: number; throttledRetries: number; suppressed: number; handedBack?: number }; paused?: unknown }
  | { status: string; reason?: string; paused?: unknown };

/**
 * Counts of one send result. Reads `paused: {reason}` when the result carries it, and treats a
 * batch skipped because the edition just reached its bounce or complaint limit as a pause too.
 */
export function deliveryCounts(result: SendResultLike): DeliveryCounts {
  const report = 'report' in result ? result.report : undefined;
  const counts: DeliveryCounts = {
    sent: report?.sent ?? 0,
    failed: report?.failed ?? 0,
    throttled: report?.throttledRetries ?? 0,
    suppressed: report?.suppressed ?? 0,
  };
  if (report?.handedBack) counts.handedBack = report.handedBack;
  const paused = result.paused;
  if (paused && typeof paused === 'object' && typeof (paused as { reason?: unknown }).reason === 'string') {
    counts.pausedReason = (paused as { reason: string }).reason;
  } else if (result.status === 'skipped' && 'reason' in result && typeof result.reason === 'string' && /rate .* reached the limit/.test(result.reason)) {
    counts.pausedReason = 'reputation';
  }
  return counts;
}

/**
 * Adds the counts to the function's metrics. EditionPaused goes out twice: without a reason, for the
 * alarm (an alarm needs one exact metric), and with `reason` as a dimension, for the dashboard.
 * The edition id goes in metadata (searchable in the log line) rather than a dimension, which would
 * create a paid metric per edition.
 */
export function addDeliveryMetrics(metrics: Metrics, counts: DeliveryCounts, editionId?: string): void {
  metrics.addMetric(METRIC_NAMES.sent, MetricUnit.Count, counts.sent);
  metrics.addMetric(METRIC_NAMES.failed, MetricUnit.Count, counts.failed);
  metrics.addMetric(METRIC_NAMES.throttled, MetricUnit.Count, counts.throttled);
  metrics.addMetric(METRIC_NAMES.suppressed, MetricUnit.Count, counts.suppressed);
  if (counts.handedBack) metrics.addMetric(METRIC_NAMES.handedBack, MetricUnit.Count, counts.handedBack);
  if (counts.pausedReason) {
    metrics.addMetric(METRIC_NAMES.paused, MetricUnit.Count, 1);
    const single = metrics.singleMetric();
    single.addDimension('reason', metricReason(counts.pausedReason));
    if (editionId) single.addMetadata('editionId', editionId);
    single.addMetric(METRIC_NAMES.paused, MetricUnit.Count, 1);
  }
}

/** A dimension value is a short word (the reason code), never free text that could hold an address. */
function metricReason(reason: string): string {
  const word = reason
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return (word || 'unknown').slice(0, 64);
}

/** The parts of aws-lambda's Context that go into the log lines. */
export interface LoggedInvocation {
  awsRequestId?: string;
  functionName?: string;
  functionVersion?: string;
  invokedFunctionArn?: string;
  memoryLimitInMB?: string;
}

/**
 * Runs one invocation inside a handler subsegment (when tracing is on), with the Lambda context in
 * every log line (cold_start, function_name, function_request_id, as Powertools'
 * `injectLambdaContext` would add them), and publishes the metrics at the end whatever happens.
 * Keys a handler appended during the invocation are dropped at its end, so the next invocation of
 * the container does not log them.
 */
export async function observe<T>(obs: Observability, context: LoggedInvocation | undefined, run: () => Promise<T>): Promise<T> {
  // addContext reads only the fields above; a test's or the local twin's invocation has no more.
  if (context) obs.logger.addContext(context as Parameters<Logger['addContext']>[0]);
  const segment = obs.tracer.getSegment();
  const subsegment = obs.tracer.isTracingEnabled() && segment ? segment.addNewSubsegment(`## ${obs.handlerName}`) : undefined;
  if (subsegment) {
    obs.tracer.setSegment(subsegment);
    obs.tracer.annotateColdStart();
    obs.tracer.addServiceNameAnnotation();
  }
  try {
    return await run();
  } catch (error) {
    subsegment?.addError(error as Error);
    throw error;
  } finally {
    subsegment?.close();
    if (subsegment && segment) obs.tracer.setSegment(segment);
    if (obs.metrics.hasStoredMetrics()) obs.metrics.publishStoredMetrics();
    obs.logger.resetKeys();
  }
}
