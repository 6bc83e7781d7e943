import type { NewsletterConfig } from '../core/config.js';
import { redactAddresses } from '../core/subscriber.js';
import type { TokenKeys } from '../core/tokens.js';
import type { SendQueue } from '../ports/send-queue.js';
import { draftRenderer } from '../wiring/review.js';
import type { AppServices } from '../wiring/app-services.js';
import { subscriptionDependencies } from '../wiring/subscriptions.js';
import { AwsContext } from './aws-context.js';
import type { HttpApiEvent, HttpApiResult } from './http/http-event.js';
import { createObservability, observe } from './observability.js';
import { createSubscriptionApi, type SubscriptionApi } from './http/subscription-app.js';

// The Lambda entry point of the subscription API (the app itself: http/subscription-app.ts): AWS
// wiring, built on first use and again when the token keys change.

/**
 * On Lambda nothing runs after the answer, so a sign-up's work (a few store calls, rendering and
 * sending the confirmation, with retries) happens first and the answer waits until this long after
 * the request arrived, whatever the address's state. Chosen above the usual work (about 100–300 ms
 * on AWS); work that takes longer is logged (`subscribe.slow-answer`).
 */
export const LAMBDA_SUBSCRIBE_ANSWER_MS = 1500;

const obs = createObservability('subscription-api');

/**
 * The Lambda handler over a context (the container's, or a test's). The API is built once and
 * again whenever the context reads new token keys (a rotation reaches a running container within
 * SIGNING_KEYS_REFRESH_MS): a container can live for hours, and one that kept the keys of its
 * cold start would refuse links signed with a key put in after it started.
 */
export function subscriptionApiHandler(contextOf: () => AwsContext): (event: HttpApiEvent, invocation?: { awsRequestId?: string }) => Promise<HttpApiResult> {
  let built: Promise<{ api: SubscriptionApi; keys: TokenKeys }> | undefined;
  return (event, invocation) =>
    observe(obs, invocation, async () => {
      const ctx = contextOf();
      const keys = await ctx.tokenKeys();
      const current = built && (await built.catch(() => undefined));
      if (!current || current.keys !== keys) {
        built = buildFromContext(ctx);
        built.catch(() => (built = undefined));
      }
      return (await built!).api(event);
    });
}

let context: AwsContext | undefined;
/** The Lambda handler: the environment and clients come from AwsContext, like every function's. */
export const handler = subscriptionApiHandler(() => (context ??= new AwsContext(process.env, obs.tracer)));

async function buildFromContext(ctx: AwsContext): Promise<{ api: SubscriptionApi; keys: TokenKeys }> {
  const services = await ctx.services();
  return { keys: services.tokenKeys, api: buildApi(ctx, services) };
}

function buildApi(ctx: AwsContext, services: AppServices): SubscriptionApi {
  return createSubscriptionApi({
    ...subscriptionDependencies(services),
    renderDraft: draftRenderer(services),
    // An approved draft goes out now: its readers are queued for the senders, as the digest fans out.
    ...(ctx.sendQueue ? { onApproved: queueApproved(ctx.sendQueue) } : {}),
    ...(ctx.env.originVerify ? { originVerify: ctx.env.originVerify } : {}),
    // Structured JSON lines with the request id; fields are ids and counts, never an address.
    log: (event, fields) => obs.logger.info(event, fields),
    // No work after returning on Lambda: the sign-up's work runs inline, behind a fixed answer time.
    subscribeAnswerMs: LAMBDA_SUBSCRIBE_ANSWER_MS,
    // Retries short enough (0.2 + 0.4 s) that a throttled send usually still answers on time.
    confirmationRetry: { retries: 2, minTimeout: 200 },
  });
}

/**
 * Hands an edition approved by link to the stack's senders as the first step of a fan-out (one
 * message): this function's 10-second timeout could not queue a long list, a sender queues it a
 * few thousand readers per step. A failure is logged, not shown: the approval stands, and the next
 * scheduled run resumes the sending edition.
 */
function queueApproved(queue: SendQueue) {
  return async (newsletter: NewsletterConfig, editionId: string): Promise<void> => {
    try {
      await queue.enqueue([{ newsletterId: newsletter.id, editionId, fanOut: 'start' }]);
      obs.logger.info('review.approved', { newsletterId: newsletter.id, editionId, status: 'handed-to-senders' });
    } catch (error) {
      obs.logger.error('review.queue-failed', {
        newsletterId: newsletter.id,
        editionId,
        error: (error as Error).name,
        reason: redactAddresses((error as Error).message ?? '').slice(0, 300),
      });
    }
  };
}
