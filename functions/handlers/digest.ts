import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { enqueueEdition } from '../use-cases/run-digest.js';
import { watchSendingEditions, type SendingEdition } from '../use-cases/watch-sending.js';
import type { NewsletterConfig, SourceConfig } from '../core/config.js';
import { createSources } from '../adapters/sources/create-sources.js';
import type { ArticleSource } from '../ports/article-source.js';
import { fanOutDependencies } from '../wiring/edition.js';
import { AwsContext, type LambdaInvocation } from './aws-context.js';
import { METRIC_NAMES } from './metric-names.js';
import { createObservability, observe } from './observability.js';

/** What EventBridge Scheduler passes: the schedule's input. */
const eventSchema = z.object({ newsletterId: z.string().min(1) });
/** The hourly watch schedule's input. */
const watchSchema = z.object({ watch: z.literal(true) });

let context: AwsContext | undefined;
const obs = createObservability('digest');

/**
 * The scheduled digest on AWS: builds the edition from the articles new since the last one, renders
 * it once, stores it and queues the list in batches for the senders. A folder source of the local
 * config becomes the bucket prefix `articles/<newsletter id>/` here.
 */
export const handler = digestHandler(() => (context ??= new AwsContext(process.env, obs.tracer)));

/** What one scheduled run did, as the function answers it. */
export interface DigestRunSummary {
  status: string;
  editionId?: string;
  queued?: number;
  problems: number;
  /** The hourly watch (status "watched"): hours of the oldest edition still sending, and those editions. */
  oldestSendingEditionHours?: number;
  sending?: SendingEdition[];
}

/** The digest function over the context `contextOf` gives: `handler` builds one per container, the local twin its own. */
export function digestHandler(contextOf: () => AwsContext): (event: unknown, invocation?: LambdaInvocation) => Promise<DigestRunSummary> {
  return (event, invocation) =>
    observe(obs, invocation, () => (watchSchema.safeParse(event).success ? watchSending(contextOf()) : runScheduledDigest(event, contextOf)));
}

/**
 * The hourly watch (`{"watch": true}`): the age of the oldest edition still sending, as the metric
 * OldestSendingEditionHours that the stuck-sending alarm reads. Reads the table only: no secret, no
 * queue, no mail.
 */
async function watchSending(ctx: AwsContext): Promise<DigestRunSummary> {
  const watch = await watchSendingEditions(ctx.env.config.newsletters, ctx);
  obs.metrics.addMetric(METRIC_NAMES.oldestSending, MetricUnit.NoUnit, watch.oldestHours);
  const oldest = watch.sending[0];
  // Metadata goes into the metric's log line, searchable, without a paid dimension per edition.
  if (oldest) obs.metrics.addMetadata('oldestSendingEdition', `${oldest.newsletterId}/${oldest.editionId}`);
  obs.logger.info('sending watch', { oldestSendingEditionHours: watch.oldestHours, sending: watch.sending });
  return { status: 'watched', problems: 0, oldestSendingEditionHours: watch.oldestHours, sending: watch.sending };
}

async function runScheduledDigest(event: unknown, contextOf: () => AwsContext): Promise<DigestRunSummary> {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) throw new ConfigError('digest event must be {"newsletterId": "..."} or {"watch": true}: check the schedule input');
  const ctx = contextOf();
  const newsletter = ctx.newsletter(parsed.data.newsletterId);
  const queue = ctx.sendQueue;
  if (!queue) throw new ConfigError('SEND_QUEUE_URL is not set: the stack must grant the digest function the send queue');
  const services = await ctx.services();
  const result = await enqueueEdition(newsletter, fanOutDependencies(services, newsletter, sourcesFor(ctx, newsletter), queue), {});
  // Logs carry ids and counts only: never an address.
  for (const problem of result.problems) obs.logger.warn('article skipped', { location: problem.location, reason: problem.reason });
  // Nothing built because sources did not answer is a fault, not a quiet week: logged as an error.
  if (result.status === 'nothing-new' && result.failedSources.length > 0)
    obs.logger.error('sources failed', { newsletterId: newsletter.id, failedSources: result.failedSources });
  // A language-model extractor's faults: the edition went out (nothing lost), but its points are not the model's.
  const extraction = result.status === 'queued' && !result.resumed ? result.edition.extraction : undefined;
  if (result.status === 'queued' && extraction) {
    obs.metrics.addMetric(METRIC_NAMES.keyPointsDropped, MetricUnit.Count, extraction.dropped);
    obs.metrics.addMetric(METRIC_NAMES.keyPointFallbacks, MetricUnit.Count, extraction.fallbacks);
    obs.logger.info('key points', { newsletterId: newsletter.id, editionId: result.edition.editionId, ...extraction });
  }
  if (result.status === 'queued')
    for (const f of result.keyPointReport?.fallbacks ?? []) obs.logger.warn('key points fell back', { location: f.location, reason: f.reason });
  const summary =
    result.status === 'queued'
      ? { status: result.status, editionId: result.edition.editionId, queued: result.queued, problems: result.problems.length }
      : { status: result.status, problems: result.problems.length };
  obs.logger.info('digest', { newsletterId: newsletter.id, ...summary });
  return summary;
}

/**
 * A newsletter's articles on AWS: a folder source of the local config becomes the bucket prefix
 * `articles/<newsletter id>/`; feeds and pages stay as they are.
 */
function sourcesFor(ctx: AwsContext, newsletter: NewsletterConfig): ArticleSource[] {
  const bucket = ctx.env.bucketName;
  const sources: SourceConfig[] = newsletter.sources.map((source) =>
    source.type === 'folder' && bucket ? { type: 's3', bucket, prefix: `articles/${newsletter.id}/` } : source,
  );
  return createSources(sources, { baseDir: ctx.env.taskRoot ?? process.cwd(), s3: ctx.s3 });
}
