import { z } from 'zod';
import type { Language, NewsletterConfig } from '../../core/config.js';
import { checkConfirmLink, confirm } from '../../use-cases/subscriptions/confirm.js';
import { checkEraseLink, erase, requestErasure } from '../../use-cases/subscriptions/erase.js';
import { checkUnsubscribeLink, unsubscribe } from '../../use-cases/subscriptions/unsubscribe.js';
import { getPreferences, updatePreferences } from '../../use-cases/subscriptions/preferences.js';
import { subscribe } from '../../use-cases/subscriptions/subscribe.js';
import type { SubscriptionDependencies, SubscriptionLog } from '../../use-cases/subscriptions/dependencies.js';
import { confirmPage, erasePage, messagePage, preferencesPage, SAFE_HEADERS, subscribePage, unsubscribePage, wordsForPage } from './http-pages.js';
import { countClick, countOpen } from '../../use-cases/reader-counts.js';
import { contentKind, formFields, parseJson, type HttpApiResult, type HttpRequest } from './http-event.js';
import { confirmedPage, html, json, linkFailurePage, newsletterPage, unsubscribedPage } from './responses.js';

/** What every route is given besides the request. */
interface RouteContext {
  deps: SubscriptionDependencies & { subscribeAnswerMs?: number };
  /** Pages that cannot tell which newsletter they are about speak the first newsletter's language. */
  language: Language;
  log: SubscriptionLog;
}

/** One route: the request (body within the limit) → one use case → one response. */
export type Route = (ctx: RouteContext, request: HttpRequest & { body: string }) => Promise<HttpApiResult>;

// Field values are bounded so that a crafted body cannot make the use cases do silly work.
const field = z.string().max(1000);
const subscribeSchema = z.object({ email: field, newsletter: field.optional(), website: field.optional() });
const preferencesSchema = z.object({ action: z.enum(['save', 'erase']), newsletter: z.array(field).max(100).default([]) });

const showSubscribe: Route = async ({ deps }, { query }) => {
  const selected = deps.newsletters.find((n) => n.id === query.get('newsletter')) ?? deps.newsletters[0]!;
  return html(200, subscribePage({ language: selected.language, newsletters: deps.newsletters, selected: selected.id }));
};

/** Answers no sooner than `subscribeAnswerMs` after arrival, so the work before it cannot show in the timing. */
const postSubscribe: Route = async (ctx, request) => {
  const { deps, log } = ctx;
  const arrived = deps.clock.now().getTime();
  const answer = await subscribeAnswer(ctx, request);
  const wait = arrived + (deps.subscribeAnswerMs ?? 0) - deps.clock.now().getTime();
  if (wait > 0) await deps.clock.sleep(wait);
  else if (deps.subscribeAnswerMs) log('subscribe.slow-answer', { overMs: -wait });
  return answer;
};

async function subscribeAnswer({ deps, language }: RouteContext, { headers, body, sourceIp }: HttpRequest & { body: string }): Promise<HttpApiResult> {
  const kind = contentKind(headers);
  if (kind === 'other')
    return json(415, {
      ok: false,
      error: 'unsupported-media-type',
      message: 'send the form (application/x-www-form-urlencoded) or JSON {"email","newsletter"}',
    });
  const fields = kind === 'json' ? parseJson(body) : formFields(body, ['email', 'newsletter', 'website']);
  const input = subscribeSchema.safeParse(fields);
  if (!input.success) {
    if (kind === 'json') return json(400, { ok: false, error: 'invalid-email', message: 'the request needs "email" (a string) and "newsletter"' });
    return html(400, subscribePage({ language, newsletters: deps.newsletters, error: wordsForPage(language).invalidEmailBody }));
  }
  const newsletterId = input.data.newsletter ?? (deps.newsletters.length === 1 ? deps.newsletters[0]!.id : '');
  const result = await subscribe(deps, {
    email: input.data.email,
    newsletterId,
    honeypot: input.data.website,
    source: kind === 'json' ? 'subscription API (POST /subscribe, JSON)' : 'sign-up page (POST /subscribe, form)',
    client: sourceIp,
  });
  if (kind === 'json') {
    if (result.ok) return json(202, { ok: true, status: 'confirmation-sent', message: 'if the address can receive mail, a confirmation link is on its way' });
    if (result.reason === 'unknown-newsletter')
      return json(400, { ok: false, error: 'unknown-newsletter', message: `newsletter must be one of: ${deps.newsletters.map((n) => n.id).join(', ')}` });
    return json(400, { ok: false, error: 'invalid-email', message: result.detail });
  }
  if (result.ok) {
    const w = wordsForPage(result.newsletter.language);
    return newsletterPage(result.newsletter, w.checkInboxTitle, w.checkInboxBody(result.newsletter.title));
  }
  const page =
    result.reason === 'unknown-newsletter'
      ? { language, error: wordsForPage(language).unknownNewsletterBody }
      : { language: result.newsletter.language, selected: result.newsletter.id, error: wordsForPage(result.newsletter.language).invalidEmailBody };
  return html(400, subscribePage({ newsletters: deps.newsletters, email: input.data.email, ...page }));
}

/** Mail scanners fetch every link: a GET only shows the button, like the unsubscribe page. */
const showConfirm: Route = async ({ deps, language }, { query }) => {
  const token = query.get('token') ?? '';
  const result = await checkConfirmLink(deps, token);
  if (!result.ok) return linkFailurePage(result, 'confirm', language);
  if (result.alreadyConfirmed) return confirmedPage(result.newsletter);
  return html(200, confirmPage({ language: result.newsletter.language, newsletterTitle: result.newsletter.title, token }));
};

const postConfirm: Route = async ({ deps, language }, { query }) => {
  const result = await confirm(deps, query.get('token') ?? '');
  if (!result.ok) return linkFailurePage(result, 'confirm', language);
  return confirmedPage(result.newsletter, result.latestEdition);
};

/** Link scanners fetch every link: a GET only shows the button. */
const showUnsubscribe: Route = async ({ deps, language }, { query }) => {
  const token = query.get('token') ?? '';
  const result = await checkUnsubscribeLink(deps, token);
  if (!result.ok) return linkFailurePage(result, 'unsubscribe', language);
  // A link used before: the reader already left, so the page says so instead of offering the button again.
  if (result.alreadyUnsubscribed) return unsubscribedPage(result.newsletter);
  return html(200, unsubscribePage({ language: result.newsletter.language, newsletterTitle: result.newsletter.title, token }));
};

/**
 * RFC 8058: the body is `List-Unsubscribe=One-Click` (urlencoded or multipart); the button sends the
 * same. The secret token is what authorises the request, so the body is not required to match.
 */
const postUnsubscribe: Route = async ({ deps, language }, { query }) => {
  const result = await unsubscribe(deps, query.get('token') ?? '');
  if (!result.ok) return linkFailurePage(result, 'unsubscribe', language);
  return unsubscribedPage(result.newsletter);
};

const showPreferences: Route = async ({ deps, language }, { query }) => {
  const token = query.get('token') ?? '';
  const result = await getPreferences(deps, token);
  if (!result.ok) return linkFailurePage(result, 'preferences', language);
  return html(
    200,
    preferencesPage({
      language: result.newsletter.language,
      newsletterTitle: result.newsletter.title,
      token,
      redactedEmail: result.redactedEmail,
      choices: result.choices,
    }),
  );
};

const postPreferences: Route = async ({ deps, language }, { query, headers, body }) => {
  const token = query.get('token') ?? '';
  const kind = contentKind(headers);
  const fields = kind === 'json' ? parseJson(body) : kind === 'form' ? formFields(body, ['action'], ['newsletter']) : undefined;
  const input = preferencesSchema.safeParse(fields);
  if (!input.success) {
    const w = wordsForPage(language);
    return html(400, messagePage({ language, title: w.linkInvalidTitle, text: w.linkInvalidBody }));
  }
  if (input.data.action === 'erase') {
    // Erasure is for good, and this link is in every (forwarded) edition: the address confirms by mail.
    const result = await requestErasure(deps, token);
    if (!result.ok) return linkFailurePage(result, 'preferences', language);
    const w = wordsForPage(result.newsletter.language);
    return newsletterPage(result.newsletter, w.checkInboxTitle, w.eraseRequestedBody);
  }
  const result = await updatePreferences(deps, token, input.data.newsletter);
  if (!result.ok) {
    if (result.reason === 'unknown-newsletter') {
      const w = wordsForPage(language);
      return html(400, messagePage({ language, title: w.linkInvalidTitle, text: w.unknownNewsletterBody }));
    }
    return linkFailurePage(result, 'preferences', language);
  }
  const saved: NewsletterConfig = result.newsletter;
  return html(
    200,
    preferencesPage({
      language: saved.language,
      newsletterTitle: saved.title,
      token,
      redactedEmail: result.redactedEmail,
      choices: result.choices,
      saved: true,
    }),
  );
};

/** The link mailed on an erase request. Mail scanners fetch every link: a GET only shows the button. */
const showErase: Route = async ({ deps, language }, { query }) => {
  const token = query.get('token') ?? '';
  const result = await checkEraseLink(deps, token);
  if (!result.ok) return linkFailurePage(result, 'erase', language);
  return html(200, erasePage({ language: result.newsletter.language, newsletterTitle: result.newsletter.title, token }));
};

const postErase: Route = async ({ deps, language }, { query }) => {
  const result = await erase(deps, query.get('token') ?? '');
  if (!result.ok) return linkFailurePage(result, 'erase', language);
  const w = wordsForPage(result.newsletter.language);
  return newsletterPage(result.newsletter, w.erasedTitle, w.erasedBody);
};

/** A transparent 1×1 GIF: what an open pixel answers, counted or not, so the answer tells nothing. */
const PIXEL = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

const openPixel: Route = async ({ deps }, { query }) => {
  await countOpen(deps, { newsletterId: query.get('n') ?? '', editionId: query.get('e') ?? '', signature: query.get('s') ?? '' });
  return { statusCode: 200, headers: { 'content-type': 'image/gif', 'cache-control': 'no-store', ...SAFE_HEADERS }, body: PIXEL, isBase64Encoded: true };
};

/** Redirects only to a target the edition carried (signed); anything else is a page, never a redirect. */
const followLink: Route = async ({ deps, language, log }, { query }) => {
  const result = await countClick(
    deps,
    { newsletterId: query.get('n') ?? '', editionId: query.get('e') ?? '', target: query.get('u') ?? '', signature: query.get('s') ?? '' },
    (error) => log('click.count-failed', { error: (error as Error).name ?? 'Error' }),
  );
  if (!result.ok) {
    const w = wordsForPage(language);
    return html(400, messagePage({ language, title: w.linkInvalidTitle, text: w.linkInvalidBody }));
  }
  return { statusCode: 302, headers: { location: result.target, 'cache-control': 'no-store', ...SAFE_HEADERS }, body: '' };
};

/** Every route by path, then method. A path here with another method answers 405 with `allow`. */
export const SUBSCRIPTION_ROUTES: Record<string, Record<string, Route>> = {
  '/': { GET: showSubscribe },
  '/subscribe': { GET: showSubscribe, POST: postSubscribe },
  '/confirm': { GET: showConfirm, POST: postConfirm },
  '/unsubscribe': { GET: showUnsubscribe, POST: postUnsubscribe },
  '/preferences': { GET: showPreferences, POST: postPreferences },
  '/erase': { GET: showErase, POST: postErase },
  '/open': { GET: openPixel },
  '/click': { GET: followLink },
};
