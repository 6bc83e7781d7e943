import { z } from 'zod';
import type { Language, NewsletterConfig } from '../core/config.js';
import {
  checkConfirmLink,
  checkUnsubscribeLink,
  confirm,
  erase,
  getPreferences,
  subscribe,
  unsubscribe,
  updatePreferences,
  type LinkFailure,
  type SubscriptionDependencies,
} from '../use-cases/subscriptions.js';
import { archiveRoute, isArchivePath } from './archive-routes.js';
import { isReviewPath, reviewRoute, type ReviewRouteDependencies } from './review-routes.js';
import { AwsContext } from './aws-context.js';
import { createObservability, observe } from './observability.js';
import { confirmPage, messagePage, PAGE_CSP, preferencesPage, subscribePage, unsubscribePage, wordsForPage } from './http-pages.js';

/**
 * The subscription API: one Lambda handler for API Gateway HTTP API events (payload format 2.0),
 * also served locally by `newsletter dev`. Thin: parse and validate the event, call one use case,
 * map the result to a response with safe headers.
 */

/** The parts of an API Gateway HTTP API (payload 2.0) event this handler reads. */
export interface HttpApiEvent {
  version?: string;
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string; path?: string; sourceIp?: string }; requestId?: string; timeEpoch?: number; stage?: string; routeKey?: string };
}

export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

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
  /** Waits; injected so tests run on a fake clock. Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export const MAX_BODY_BYTES = 16 * 1024;

/**
 * On Lambda nothing runs after the answer, so a sign-up's work (a few store calls, rendering and
 * sending the confirmation, with retries) happens first and the answer waits until this long after
 * the request arrived, whatever the address's state. Chosen above the usual work (about 100–300 ms
 * on AWS); work that takes longer is logged (`subscribe.slow-answer`).
 */
export const LAMBDA_SUBSCRIBE_ANSWER_MS = 1500;

const eventSchema = z.object({
  rawPath: z.string().max(2048),
  rawQueryString: z.string().max(4096).optional(),
  headers: z.record(z.string(), z.string().optional()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
  requestContext: z.object({ http: z.object({ method: z.string().max(16) }) }),
});

// Field values are bounded so that a crafted body cannot make the use cases do silly work.
const field = z.string().max(1000);
const subscribeSchema = z.object({ email: field, newsletter: field.optional(), website: field.optional() });
const preferencesSchema = z.object({ action: z.enum(['save', 'erase']), newsletter: z.array(field).max(100).default([]) });

const ALLOWED_METHODS: Record<string, string> = { '/approve': 'GET, POST', '/skip': 'GET, POST', '/': 'GET', '/subscribe': 'GET, POST', '/confirm': 'GET, POST', '/unsubscribe': 'GET, POST', '/preferences': 'GET, POST' };

const BASE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  // Pages carry tokens or personal answers: no shared or browser cache may keep them.
  'cache-control': 'no-store',
} as const;

/**
 * Builds the handler over its dependencies (stores, mailer, token key, configuration, clock).
 *
 * @example
 * const api = createSubscriptionApi({ newsletters: config.newsletters, subscribers, suppressions, editions, ledger, mailer, tokenKey, now: () => new Date() });
 * const result = await api(event);
 */
export function createSubscriptionApi(deps: SubscriptionApiDependencies): SubscriptionApi {
  const maxBodyBytes = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  const fallback = deps.newsletters[0]!;
  // Pages that cannot tell which newsletter they are about speak the first newsletter's language.
  const language = fallback.language;
  const log = deps.log ?? ((event, fields) => console.log(JSON.stringify({ event, ...fields })));

  return async (raw) => {
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) return json(400, { ok: false, error: 'bad-request', message: 'the request is not an HTTP API (payload 2.0) event' });
    const event = parsed.data;
    const method = event.requestContext.http.method.toUpperCase();
    const route = event.rawPath.replace(/\/+$/, '') || '/';
    const query = new URLSearchParams(event.rawQueryString ?? '');
    const headers = lowerCaseKeys(event.headers ?? {});
    try {
      const body = decodeBody(event.body, event.isBase64Encoded ?? false, maxBodyBytes);
      if (body === 'too-large') {
        const w = wordsForPage(language);
        return html(413, messagePage({ language, title: w.tooLargeTitle, text: w.tooLargeBody }));
      }
      const token = query.get('token') ?? '';

      if ((route === '/' || route === '/subscribe') && method === 'GET') {
        const selected = deps.newsletters.find((n) => n.id === query.get('newsletter')) ?? fallback;
        return html(200, subscribePage({ language: selected.language, newsletters: deps.newsletters, selected: selected.id }));
      }
      if (route === '/subscribe' && method === 'POST') return await postSubscribe(headers, body, raw.requestContext.http.sourceIp);
      if (route === '/confirm' && method === 'GET') {
        // Mail scanners fetch every link: a GET only shows the button, like the unsubscribe page.
        const result = await checkConfirmLink(deps, token);
        if (!result.ok) return linkFailurePage(result, 'confirm');
        if (result.alreadyConfirmed) return confirmedPage(result.newsletter);
        return html(200, confirmPage({ language: result.newsletter.language, newsletterTitle: result.newsletter.title, token }));
      }
      if (route === '/confirm' && method === 'POST') {
        const result = await confirm(deps, token);
        if (!result.ok) return linkFailurePage(result, 'confirm');
        return confirmedPage(result.newsletter);
      }
      if (route === '/unsubscribe' && method === 'GET') {
        // Link scanners fetch every link: a GET only shows the button.
        const result = await checkUnsubscribeLink(deps, token);
        if (!result.ok) return linkFailurePage(result, 'unsubscribe');
        return html(200, unsubscribePage({ language: result.newsletter.language, newsletterTitle: result.newsletter.title, token }));
      }
      if (route === '/unsubscribe' && method === 'POST') {
        // RFC 8058: the body is `List-Unsubscribe=One-Click` (urlencoded or multipart); the button sends the same.
        // The secret token is what authorises the request, so the body is not required to match.
        const result = await unsubscribe(deps, token);
        if (!result.ok) return linkFailurePage(result, 'unsubscribe');
        const w = wordsForPage(result.newsletter.language);
        return newsletterPage(result.newsletter, w.unsubscribedTitle, w.unsubscribedBody(result.newsletter.title), {
          href: `subscribe?newsletter=${encodeURIComponent(result.newsletter.id)}`,
          label: w.subscribeAgain,
        });
      }
      if (route === '/preferences' && method === 'GET') {
        const result = await getPreferences(deps, token);
        if (!result.ok) return linkFailurePage(result, 'preferences');
        return html(200, preferencesPage({ language: result.newsletter.language, newsletterTitle: result.newsletter.title, token, redactedEmail: result.redactedEmail, choices: result.choices }));
      }
      if (route === '/preferences' && method === 'POST') return await postPreferences(token, headers, body);
      if (isReviewPath(route)) return await reviewRoute({ newsletters: deps.newsletters, editions: deps.editions, tokenKey: deps.tokenKey, now: deps.now, ...(deps.onApproved ? { onApproved: deps.onApproved } : {}) }, method, route, query);
      if (isArchivePath(route)) return await archiveRoute({ newsletters: deps.newsletters, editions: deps.editions, now: deps.now }, method, route, query);
      const w = wordsForPage(language);
      const allow = ALLOWED_METHODS[route];
      const notFound = html(allow ? 405 : 404, messagePage({ language, title: w.notFoundTitle, text: w.notFoundBody }));
      return allow ? { ...notFound, headers: { ...notFound.headers, allow } } : notFound;
    } catch (error) {
      log('api.error', { route, method, error: (error as Error).name, message: scrubAddresses((error as Error).message ?? '') });
      const w = wordsForPage(language);
      return html(500, messagePage({ language, title: w.errorTitle, text: w.errorBody }));
    }
  };

  async function postSubscribe(headers: Record<string, string>, body: string, client: string | undefined): Promise<HttpApiResult> {
    const arrived = deps.now().getTime();
    const answer = await subscribeAnswer(headers, body, client);
    const wait = arrived + (deps.subscribeAnswerMs ?? 0) - deps.now().getTime();
    if (wait > 0) await (deps.sleep ?? sleep)(wait);
    else if (deps.subscribeAnswerMs) log('subscribe.slow-answer', { overMs: -wait });
    return answer;
  }

  async function subscribeAnswer(headers: Record<string, string>, body: string, client: string | undefined): Promise<HttpApiResult> {
    const kind = contentKind(headers);
    if (kind === 'other') return json(415, { ok: false, error: 'unsupported-media-type', message: 'send the form (application/x-www-form-urlencoded) or JSON {"email","newsletter"}' });
    const fields = kind === 'json' ? parseJson(body) : formFields(body, ['email', 'newsletter', 'website']);
    const input = subscribeSchema.safeParse(fields);
    if (!input.success) {
      if (kind === 'json') return json(400, { ok: false, error: 'invalid-email', message: 'the request needs "email" (a string) and "newsletter"' });
      const w = wordsForPage(language);
      return html(400, subscribePage({ language, newsletters: deps.newsletters, error: w.invalidEmailBody }));
    }
    const newsletterId = input.data.newsletter ?? (deps.newsletters.length === 1 ? fallback.id : '');
    const result = await subscribe(deps, {
      email: input.data.email,
      newsletterId,
      honeypot: input.data.website,
      source: kind === 'json' ? 'subscription API (POST /subscribe, JSON)' : 'sign-up page (POST /subscribe, form)',
      client,
    });
    if (kind === 'json') {
      if (result.ok) return json(202, { ok: true, status: 'confirmation-sent', message: 'if the address can receive mail, a confirmation link is on its way' });
      if (result.reason === 'unknown-newsletter') return json(400, { ok: false, error: 'unknown-newsletter', message: `newsletter must be one of: ${deps.newsletters.map((n) => n.id).join(', ')}` });
      return json(400, { ok: false, error: 'invalid-email', message: result.detail });
    }
    if (result.ok) {
      const w = wordsForPage(result.newsletter.language);
      return newsletterPage(result.newsletter, w.checkInboxTitle, w.checkInboxBody(result.newsletter.title));
    }
    const page = result.reason === 'unknown-newsletter' ? { language, error: wordsForPage(language).unknownNewsletterBody } : { language: result.newsletter.language, selected: result.newsletter.id, error: wordsForPage(result.newsletter.language).invalidEmailBody };
    return html(400, subscribePage({ newsletters: deps.newsletters, email: input.data.email, ...page }));
  }

  async function postPreferences(token: string, headers: Record<string, string>, body: string): Promise<HttpApiResult> {
    const kind = contentKind(headers);
    const fields = kind === 'json' ? parseJson(body) : kind === 'form' ? formFields(body, ['action'], ['newsletter']) : undefined;
    const input = preferencesSchema.safeParse(fields);
    if (!input.success) {
      const w = wordsForPage(language);
      return html(400, messagePage({ language, title: w.linkInvalidTitle, text: w.linkInvalidBody }));
    }
    if (input.data.action === 'erase') {
      const result = await erase(deps, token);
      if (!result.ok) return linkFailurePage(result, 'preferences');
      const w = wordsForPage(result.newsletter.language);
      return newsletterPage(result.newsletter, w.erasedTitle, w.erasedBody);
    }
    const result = await updatePreferences(deps, token, input.data.newsletter);
    if (!result.ok) {
      if (result.reason === 'unknown-newsletter') {
        const w = wordsForPage(language);
        return html(400, messagePage({ language, title: w.linkInvalidTitle, text: w.unknownNewsletterBody }));
      }
      return linkFailurePage(result, 'preferences');
    }
    return html(200, preferencesPage({ language: result.newsletter.language, newsletterTitle: result.newsletter.title, token, redactedEmail: result.redactedEmail, choices: result.choices, saved: true }));
  }

  function linkFailurePage(failure: LinkFailure, purpose: 'confirm' | 'unsubscribe' | 'preferences'): HttpApiResult {
    const newsletter: NewsletterConfig | undefined = failure.reason === 'not-found' ? failure.newsletter : undefined;
    const lang: Language = newsletter?.language ?? language;
    const w = wordsForPage(lang);
    const again = { href: newsletter ? `subscribe?newsletter=${encodeURIComponent(newsletter.id)}` : 'subscribe', label: w.subscribeAgain };
    if (failure.reason === 'expired') return html(410, messagePage({ language: lang, title: w.linkExpiredTitle, text: w.confirmExpiredBody, link: again }));
    const status = failure.reason === 'not-found' ? 404 : 400;
    return html(status, messagePage({ language: lang, ...(newsletter ? { brand: newsletter.title } : {}), title: w.linkInvalidTitle, text: w.linkInvalidBody, ...(purpose === 'confirm' ? { link: again } : {}) }));
  }
}

/** The body as text, or 'too-large'. Base64 bodies (API Gateway sends forms that way) are measured decoded. */
function decodeBody(body: string | undefined, isBase64Encoded: boolean, max: number): string | 'too-large' {
  if (!body) return '';
  const bytes = isBase64Encoded ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
  if (bytes > max) return 'too-large';
  return isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

function contentKind(headers: Record<string, string>): 'json' | 'form' | 'other' {
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-www-form-urlencoded' || type === '') return 'form';
  return 'other';
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Single-valued fields keep the first value; list fields keep all. */
function formFields(body: string, single: string[], lists: string[] = []): Record<string, string | string[]> {
  const params = new URLSearchParams(body);
  const out: Record<string, string | string[]> = {};
  for (const name of single) {
    const value = params.get(name);
    if (value !== null) out[name] = value;
  }
  for (const name of lists) out[name] = params.getAll(name);
  return out;
}

function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function pageHeaders(): Record<string, string> {
  return { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, ...BASE_HEADERS };
}

/**
 * After confirming: no preferences (and erase) link, which never expires. Whoever holds this page
 * (a shared screen, a forwarded confirmation) should not get a lasting key to the subscription;
 * the reader finds that link in every edition.
 */
function confirmedPage(newsletter: NewsletterConfig): HttpApiResult {
  const w = wordsForPage(newsletter.language);
  return newsletterPage(newsletter, w.confirmedTitle, w.confirmedBody(newsletter.title));
}

/** A 200 page in the newsletter's language, under its name. */
function newsletterPage(newsletter: NewsletterConfig, title: string, text: string, link?: { href: string; label: string }): HttpApiResult {
  return html(200, messagePage({ language: newsletter.language, brand: newsletter.title, title, text, ...(link ? { link } : {}) }));
}

function html(statusCode: number, body: string): HttpApiResult {
  return { statusCode, headers: pageHeaders(), body };
}

function json(statusCode: number, value: unknown): HttpApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", ...BASE_HEADERS },
    body: JSON.stringify(value),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Error messages from SDKs can quote an address; logs never do. */
function scrubAddresses(message: string): string {
  return message.replace(/[^\s<>"'@]+@[^\s<>"'@]+/g, '[address]').slice(0, 300);
}

// --- The Lambda entry point: AWS wiring, built once per cold start, on first use. ---

let cold: Promise<SubscriptionApi> | undefined;
const obs = createObservability('subscription-api');

/** The Lambda handler: the environment and clients come from AwsContext, like every function's. */
export const handler = async (event: HttpApiEvent, invocation?: { awsRequestId?: string }): Promise<HttpApiResult> =>
  observe(obs, invocation, async () => {
    cold ??= buildFromEnvironment().catch((error: unknown) => {
      cold = undefined;
      throw error;
    });
    return (await cold)(event);
  });

async function buildFromEnvironment(): Promise<SubscriptionApi> {
  const ctx = new AwsContext(process.env, obs.tracer);
  return createSubscriptionApi({
    // Structured JSON lines with the request id; fields are ids and counts, never an address.
    log: (event, fields) => obs.logger.info(event, fields),
    newsletters: ctx.env.config.newsletters,
    subscribers: ctx.subscribers,
    suppressions: ctx.suppressions,
    editions: ctx.editions,
    ledger: ctx.ledger,
    mailer: ctx.mailer,
    tokenKey: await ctx.signingKey(),
    now: () => new Date(),
    limits: ctx.signUpLimits,
    signUpLimits: ctx.env.config.signUps,
    // No work after returning on Lambda: the sign-up's work runs inline, behind a fixed answer time.
    subscribeAnswerMs: LAMBDA_SUBSCRIBE_ANSWER_MS,
    // Retries short enough (0.2 + 0.4 s) that a throttled send usually still answers on time.
    confirmationRetry: { retries: 2, minTimeout: 200 },
    ...(ctx.templatesDir ? { templatesDir: ctx.templatesDir } : {}),
  });
}
