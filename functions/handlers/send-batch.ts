import { randomUUID } from 'node:crypto';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { z } from 'zod';
import { redactAddresses } from '../core/subscriber.js';
import { FAN_OUT_STEP_PAGES, isFanOut, type FanOutMessage, type SendBatchMessage } from '../core/delivery/queue-messages.js';
import { resumeQueuedEdition } from '../use-cases/delivery/requeue-edition.js';
import { SenderCache, sendQueuedBatch } from '../use-cases/delivery/send-queued-batch.js';
import { ConfigError } from '../core/errors.js';
import { SENDER } from '../core/send-topology.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { queuedDeliveryOptions, requeueDependencies, sendDependencies } from '../wiring/delivery.js';
import type { AppServices } from '../wiring/app-services.js';
import { AwsContext, type LambdaInvocation } from './aws-context.js';
import { addDeliveryMetrics, createObservability, deliveryCounts, METRIC_NAMES, observe } from './observability.js';

/** The SQS message fields the sender reads (a subset of aws-lambda's SQSRecord). */
type SqsRecord = { messageId: string; body: string };

/** The SQS event shape the sender reads (a subset of aws-lambda's SQSEvent). */
export interface SqsEvent {
  Records: SqsRecord[];
}

const batchSchema = z.object({
  newsletterId: z.string().min(1),
  editionId: z.string().min(1),
  subscriberIds: z
    .array(z.string().regex(/^[0-9a-f]{32}$/))
    .min(1)
    .max(500),
  hops: z.number().int().min(0).optional(),
  handBacks: z.number().int().min(0).optional(),
});
const count = z.number().int().min(0);
const fanOutSchema = z.object({
  newsletterId: z.string().min(1),
  editionId: z.string().min(1),
  fanOut: z.union([
    z.literal('start'),
    z.object({
      cursor: z.string().min(1).optional(),
      queued: count,
      alreadyHave: count,
      batches: count,
      endedBefore: count,
      endedOnRecord: count.optional(),
      newReaders: count.optional(),
    }),
  ]),
  hops: z.number().int().min(0).optional(),
});
const messageSchema = z.union([batchSchema, fanOutSchema]);

let context: AwsContext | undefined;
const obs = createObservability('send-batch');

/** What the sender answers Lambda's SQS event source: the records to deliver again. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * The sender on AWS: drains the send queue. A batch that throws (a store or network fault) is
 * reported as a batch item failure, so SQS retries only that one and, after the redrive limit,
 * moves it to the DLQ; the ledger makes the retry skip whoever already got the edition.
 */
export const handler = sendBatchHandler(() => (context ??= new AwsContext(process.env, obs.tracer)));

/**
 * The sender over the context `contextOf` gives: `handler` builds one per container; the local twin
 * of the stack gives each modelled container its own (its clock, its clients).
 */
export function sendBatchHandler(contextOf: () => AwsContext): (event: SqsEvent, invocation?: LambdaInvocation) => Promise<SqsBatchResponse> {
  // Per container, like the context: the MIME template and pacer of the edition being sent.
  const cache = new SenderCache();
  return (event, invocation) => observe(obs, invocation, () => sendBatches(contextOf(), cache, event, invocation));
}

async function sendBatches(ctx: AwsContext, cache: SenderCache, event: SqsEvent, invocation?: LambdaInvocation): Promise<SqsBatchResponse> {
  const services = await ctx.services();
  const owner = `lambda:${invocation?.awsRequestId ?? randomUUID()}`;
  // No reader is taken after this instant: what is left goes back on the queue for a fresh invocation
  // instead of being cut off by Lambda's timeout (which would redeliver the whole batch later).
  const remaining = invocation?.getRemainingTimeInMillis?.();
  const stopAt = remaining === undefined ? undefined : ctx.clock.now().getTime() + remaining - SENDER.reserveSeconds * 1000;
  /** One SQS message; a throw makes it a batch item failure. */
  const handleRecord = async (record: SqsRecord): Promise<void> => {
    try {
      const parsed = messageSchema.safeParse(JSON.parse(record.body));
      if (!parsed.success)
        throw new ConfigError(`send batch message is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const message = parsed.data;
      const hops = message.hops ?? 0;
      if (hops >= SENDER.hopBudget) {
        // The loop is allowed on the sender (SENDER.recursiveLoop) and this budget stands in for Lambda's stop.
        obs.logger.error('send batch gave up: hop budget spent', { messageId: record.messageId, editionId: message.editionId, hops });
        obs.metrics.addMetric(METRIC_NAMES.hopBudgetSpent, MetricUnit.Count, 1);
        throw new HopBudgetSpent(record.messageId, hops);
      }
      if (stopAt !== undefined && ctx.clock.now().getTime() >= stopAt) {
        await requeue(ctx, message, 0);
        return;
      }
      if (isFanOut(message)) {
        await fanOutStep(ctx, services, message);
        return;
      }
      const result = await sendQueuedBatch(message, ctx.newsletter(message.newsletterId), sendDependencies(services, owner), {
        cache,
        ...queuedDeliveryOptions(services.config, ctx.env),
        ...(stopAt === undefined ? {} : { stopAt }),
      });
      const { status } = result;
      const counts =
        result.status === 'sent'
          ? {
              sent: result.report.sent,
              failed: result.report.failed,
              alreadySent: result.report.alreadySent,
              inProgress: result.report.inProgress,
              retryLater: result.retryLater,
            }
          : { reason: result.reason };
      obs.logger.info('send batch', { messageId: record.messageId, editionId: message.editionId, status, hops, ...counts });
      addDeliveryMetrics(obs.metrics, deliveryCounts(result), message.editionId);
      if (result.status === 'sent' && result.retryLater) {
        // Waiting (quota, another sender's claims, time) is not failing: queue the batch again with a delay
        // rather than spend SQS receive counts towards the DLQ; without a queue URL, fall back to a redelivery.
        // Only the readers not ended yet: the ended ones are counted already and must not count twice.
        const handedBack = result.report.handedBack ? { handBacks: (message.handBacks ?? 0) + 1 } : {};
        const again = { ...(result.retryIds?.length ? { ...message, subscriberIds: result.retryIds } : message), ...handedBack };
        if (ctx.sendQueue) await waitThenRequeue(ctx, again, result.retryAfterSeconds ?? 60);
        else throw new RedeliveryWanted(record.messageId);
      }
    } catch (error) {
      if (!(error instanceof RedeliveryWanted || error instanceof HopBudgetSpent))
        obs.logger.error('send batch failed', { messageId: record.messageId, error: redactAddresses((error as Error).message) });
      throw error;
    }
  };
  // One record after another: the sender paces an edition's sends per container, and batches of one
  // edition sent side by side would each take the whole rate. A batch in which every record failed is
  // still a list of failures (the utility would otherwise throw and fail the invocation, which SQS
  // treats the same but Lambda counts as a function error).
  return processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), { processInParallel: false, throwOnFullBatchFailure: false });
}

/** Waiting with no queue to put the batch back on: SQS delivers the message again after its visibility timeout. */
class RedeliveryWanted extends Error {
  constructor(messageId: string) {
    super(`send batch ${messageId} waits for quota or another sender: redelivered after the visibility timeout`);
    this.name = 'RedeliveryWanted';
  }
}

/** A batch re-queued `hopBudget` times already: a runaway loop, given up to the DLQ through failed receives. */
class HopBudgetSpent extends Error {
  constructor(messageId: string, hops: number) {
    super(`send batch ${messageId} was put back on the queue ${hops} times: given up to the dead-letter queue`);
    this.name = 'HopBudgetSpent';
  }
}

/** The sender's own send queue, which the stack grants it (SEND_QUEUE_URL). */
function ownQueue(ctx: AwsContext): NonNullable<AwsContext['sendQueue']> {
  const queue = ctx.sendQueue;
  if (!queue) throw new ConfigError('SEND_QUEUE_URL is not set: the stack must grant the sender its own queue');
  return queue;
}

/** The longest SQS holds a message back. */
const SQS_MAX_DELAY_SECONDS = 900;

/** Puts a message back on the send queue one hop further, after `delaySeconds` (at most SQS_MAX_DELAY_SECONDS). */
async function requeue(ctx: AwsContext, message: SendBatchMessage | FanOutMessage, delaySeconds: number): Promise<void> {
  await ownQueue(ctx).enqueue([{ ...message, hops: (message.hops ?? 0) + 1 }], {
    delaySeconds: Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds))),
  });
}

/**
 * Puts a waiting batch back: a wait SQS can hold (15 minutes) as a delayed message; a longer one
 * (the 24-hour quota's) in a one-time schedule that sends it at its time, so a day's wait is one
 * sleep, not a chain of quarter-hour re-queues. If the schedule cannot be made, the batch is
 * re-queued after 15 minutes as before (and the failure counted in `WakeUpScheduleFailures`).
 */
async function waitThenRequeue(ctx: AwsContext, message: SendBatchMessage, delaySeconds: number): Promise<void> {
  const later = ctx.scheduledSend;
  if (delaySeconds > SQS_MAX_DELAY_SECONDS && later) {
    try {
      await later.sendAt(new Date(ctx.clock.now().getTime() + delaySeconds * 1000), { ...message, hops: (message.hops ?? 0) + 1 });
      obs.metrics.addMetric(METRIC_NAMES.wakeUpsScheduled, MetricUnit.Count, 1);
      return;
    } catch (error) {
      obs.logger.error('wake-up schedule failed: re-queued in 15 minutes instead', { editionId: message.editionId, error: (error as Error).message });
      obs.metrics.addMetric(METRIC_NAMES.wakeUpScheduleFailures, MetricUnit.Count, 1);
    }
  }
  await requeue(ctx, message, delaySeconds);
}

/**
 * One step of a fan-out handed to the senders (an edition approved by link, whose function cannot
 * queue a long list in its timeout): queues the next pages of readers who do not have the edition
 * and hands the rest on. A failure is a failed receive: SQS retries the step, and queuing a reader
 * twice is harmless (the ledger skips whoever has the edition).
 */
async function fanOutStep(ctx: AwsContext, services: AppServices, message: FanOutMessage): Promise<void> {
  const queue = ownQueue(ctx);
  const result = await resumeQueuedEdition(ctx.newsletter(message.newsletterId), message.editionId, requeueDependencies(services, queue), {
    pageBudget: FAN_OUT_STEP_PAGES,
    hops: message.hops ?? 0,
    ...(message.fanOut === 'start' ? {} : { continueFrom: message.fanOut }),
  });
  obs.logger.info('fan-out step', {
    editionId: message.editionId,
    status: result.status,
    ...(result.status === 'queued' || result.status === 'handed-on' ? { queued: result.queued, batches: result.batches, alreadyHave: result.alreadyHave } : {}),
    ...(result.status === 'refused' ? { reason: result.reason } : {}),
  });
}
