import { redactAddresses } from '../../core/subscriber.js';
import type { SubscriptionDependencies } from '../../use-cases/subscriptions/dependencies.js';
import { archiveRoute, isArchivePath } from './archive-routes.js';
import { isReviewPath, reviewRoute, type ReviewRouteDependencies } from './review-routes.js';
import { editRoute, type EditRouteDependencies } from './edit-routes.js';
import { draftRenderer } from '../../wiring/review.js';
import { decodeRequest, MAX_BODY_BYTES, type HttpApiEvent, type HttpApiResult } from './http-event.js';
import { html, json } from './responses.js';
import { SUBSCRIPTION_ROUTES } from './subscription-routes.js';
import { messagePage, wordsForPage } from './http-pages.js';

/**
 * The subscription API as an HTTP app over API Gateway HTTP API events (payload format 2.0): served
 * on Lambda by `handlers/subscription-api.ts` and locally by `newsletter dev`. Requests are decoded
 * in `http-event.ts`, each route is one function in `subscription-routes.ts` (the review, edit and
 * archive links in their own route modules beside it), responses come from `responses.ts`.
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
  const renderDraft = deps.renderDraft ?? draftRenderer(deps);

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
      const review = {
        newsletters: deps.newsletters,
        editions: deps.editions,
        tokenKeys: deps.tokenKeys,
        now,
        ...(deps.onApproved ? { onApproved: deps.onApproved } : {}),
      };
      if (isReviewPath(route)) return await reviewRoute(review, method, route, request.query);
      if (route === '/edit') return await editRoute({ ...review, render: renderDraft }, method, request.query, body);
      if (isArchivePath(route))
        return await archiveRoute({ newsletters: deps.newsletters, editions: deps.editions, now, tokenKeys: deps.tokenKeys }, method, route, request.query);
      const notFound = html(routes ? 405 : 404, messagePage({ language, title: words.notFoundTitle, text: words.notFoundBody }));
      return routes ? { ...notFound, headers: { ...notFound.headers, allow: Object.keys(routes).join(', ') } } : notFound;
    } catch (error) {
      log('api.error', { route, method, error: (error as Error).name, message: redactAddresses((error as Error).message ?? '').slice(0, 300) });
      return html(500, messagePage({ language, title: words.errorTitle, text: words.errorBody }));
    }
  };
}

// --- The Lambda entry point: AWS wiring, built on first use and again when the token keys change. ---
