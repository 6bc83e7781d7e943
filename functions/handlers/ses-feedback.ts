import { handleFeedback } from '../use-cases/feedback.js';
import { feedbackDependencies } from '../wiring/feedback.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AwsContext } from './aws-context.js';
import { createObservability, METRIC_NAMES, observe } from './observability.js';

/** The SNS event shape the feedback function reads (a subset of aws-lambda's SNSEvent). */
export interface SnsEvent {
  Records: { Sns: { MessageId?: string; Message: string } }[];
}

let context: AwsContext | undefined;
const obs = createObservability('ses-feedback');

/**
 * Bounces and complaints from the SES configuration set's event destination (via SNS): suppresses
 * addresses and counts them on their edition. Logs carry subscriber ids, never addresses.
 */
export const handler = feedbackHandler(() => (context ??= new AwsContext(process.env, obs.tracer)));

/** The feedback function over the context `contextOf` gives: `handler` builds one per container, a test gives its own (with its clock). */
export function feedbackHandler(contextOf: () => AwsContext): (event: SnsEvent, invocation?: { awsRequestId?: string }) => Promise<void> {
  return (event, invocation) => observe(obs, invocation, () => handleRecords(contextOf(), event));
}

async function handleRecords(ctx: AwsContext, event: SnsEvent): Promise<void> {
  for (const record of event.Records) {
    let payload: unknown;
    try {
      payload = JSON.parse(record.Sns.Message);
    } catch {
      obs.logger.warn('feedback ignored: not JSON', { snsMessageId: record.Sns.MessageId });
      continue;
    }
    const outcomes = await handleFeedback(payload, feedbackDependencies(ctx, (await ctx.tokenKeys()).id));
    obs.logger.info('feedback', { snsMessageId: record.Sns.MessageId, outcomes });
    // A redelivered notification re-asserts its suppressions (idempotent) but must not count them again.
    const repeated = outcomes.some((o) => o.kind === 'duplicate');
    obs.metrics.addMetric(METRIC_NAMES.suppressed, MetricUnit.Count, repeated ? 0 : outcomes.filter((o) => o.kind === 'suppressed').length);
  }
}
