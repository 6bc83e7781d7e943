import type { NewsletterConfig } from '../core/config.js';
import { redactAddresses } from '../core/subscriber.js';
import type { TokenKeys } from '../core/tokens.js';
import type { SendQueue } from '../ports/send-queue.js';
import type { SubscriptionDependencies } from '../use-cases/subscriptions/dependencies.js';
import { draftRenderer } from '../wiring/review.js';
import type { AppServices } from '../wiring/app-services.js';
import { subscriptionDependencies } from '../wiring/subscriptions.js';
import { archiveRoute, isArchivePath } from './archive-routes.js';
import { isReviewPath, reviewRoute, type ReviewRouteDependencies } from './review-routes.js';
import { editRoute, type EditRouteDependencies } from './edit-routes.js';
import { templateOptions } from '../wiring/templates.js';
import { renderEdition } from '../render/render-edition.js';
import { AwsContext } from './aws-context.js';
import { decodeRequest, MAX_BODY_BYTES, type HttpApiEvent, type HttpApiResult } from './http/http-event.js';
import { html, json } from './http/responses.js';
import { SUBSCRIPTION_ROUTES } from './http/subscription-routes.js';
import { messagePage, wordsForPage } from './http-pages.js';
import { createObservability, observe } from './observability.js';

export { MAX_BODY_BYTES, type HttpApiEvent, type HttpApiResult } from './http/http-event.js';

/**
 * The subscription API: one Lambda handler for API Gateway HTTP API events (payload format 2.0),
 * also served locally by `newsletter dev`. Requests are decoded in `http/http-event.ts`, each route
 * is one function in `http/subscription-routes.ts`, responses come from `http/responses.ts`.
 */

export type SubscriptionApi = (event: HttpApiEvent) => Promise<HttpApiResult>;

export interface SubscriptionApiDependencies extends SubscriptionDependencies {
  /** Request bodies over this many bytes are refused with 413. Default 16 KB. */
  maxBodyBytes?: number;
  /**
   * POST /subscribe answers no sooner than this many milliseconds after the request arrived, so
   * that work done before answering (where `afterAnswer` runs it inline, as on Lambda) cannot show
   * in the timing. Default 0: the local server runs that work after answering instead.
   */
  subscribeAnswerMs?: number;
  /** Sends an edition an operator approved by link (see ReviewRouteDependencies). */
  onApproved?: ReviewRouteDependencies['onApproved'];
  /** Renders a draft an editor changed on the review page; by default with the bundled templates. */
  renderDraft?: EditRouteDependencies['render'];
  /** CloudFront's origin-verify secret, when the stack puts CloudFront in front (see decodeRequest). */
  originVerify?: string;
}

/**
 * On Lambda nothing runs after the answer, so a sign-up's work (a few store calls, rendering and
 * sending the confirmation, with retries) happens first and the answer waits until this long after
 * the request arrived, whatever the address's state. Chosen above the usual work (about 100–300 ms
 * on AWS); work that takes longer is logged (`subscribe.slow-answer`).
 */
export const LAMBDA_SUBSCRIBE_ANSWER_MS = 1500;

/**
 * Builds the handler over its dependencies (stores, mailer, token key, configuration, clock).
 *
 * @example
 * const api = createSubscriptionApi({ ...subscriptionDependencies(services), log });
 * const result = await api(event);
 */
export function createSubscriptionApi(deps: SubscriptionApiDependencies): SubscriptionApi {
  const maxBodyBytes = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  // Pages that cannot tell which newsletter they are about speak the first newsletter's language.
  const language = deps.newsletters[0]!.language;
  const log = deps.log ?? ((event, fields) => console.log(JSON.stringify({ event, ...fields })));
  const words = wordsForPage(language);
  const renderDraft = deps.renderDraft ?? ((newsletter, model) => renderEdition(model, templateOptions(deps, newsletter)));

  return async (raw) => {
    const request = decodeRequest(raw, maxBodyBytes, deps.originVerify);
    if (!request) return json(400, { ok: false, error: 'bad-request', message: 'the request is not an HTTP API (payload 2.0) event' });
    const { route, method, body } = request;
    try {
      if (body === 'too-large') return html(413, messagePage({ language, title: words.tooLargeTitle, text: words.tooLargeBody }));
      const routes = SUBSCRIPTION_ROUTES[route];
      const handle = routes?.[method];
      if (handle) return await handle({ deps, language, log }, { ...request, body });
      // The operator's review links and the public archive have their own route modules.
      const now = () => deps.clock.now();
      const review = { newsletters: deps.newsletters, editions: deps.editions, tokenKeys: deps.tokenKeys, now, ...(deps.onApproved ? { onApproved: deps.onApproved } : {}) };
      if (isReviewPath(route)) return await reviewRoute(review, method, route, request.query);
      if (route === '/edit') return await editRoute({ ...review, render: renderDraft }, method, request.query, body);
      if (isArchivePath(route)) return await archiveRoute({ newsletters: deps.newsletters, editions: deps.editions, now, tokenKeys: deps.tokenKeys }, method, route, request.query);
      const notFound = html(routes ? 405 : 404, messagePage({ language, title: words.notFoundTitle, text: words.notFoundBody }));
      return routes ? { ...notFound, headers: { ...notFound.headers, allow: Object.keys(routes).join(', ') } } : notFound;
    } catch (error) {
      log('api.error', { route, method, error: (error as Error).name, message: redactAddresses((error as Error).message ?? '').slice(0, 300) });
      return html(500, messagePage({ language, title: words.errorTitle, text: words.errorBody }));
    }
  };
}

// --- The Lambda entry point: AWS wiring, built on first use and again when the token keys change. ---

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
      obs.logger.error('review.queue-failed', { newsletterId: newsletter.id, editionId, error: (error as Error).name, reason: redactAddresses((error as Error).message ?? '').slice(0, 300) });
    }
  };
}
