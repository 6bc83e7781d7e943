import type { NewsletterConfig } from '../../core/config.js';
import { verifyReviewToken, type ReviewPurpose } from '../../core/review.js';
import type { TokenKeys } from '../../core/tokens.js';
import type { EditionStore } from '../../ports/edition-store.js';
import { escapeHtml } from '../../core/html-escape.js';
import { newsletterOfEdition } from '../../use-cases/archive.js';
import { approveDraft, draftToDecide, skipDraft, type ReviewDecision } from '../../use-cases/review-edition.js';
import { REVIEW_WORDS } from '../../../templates/review-words.js';
import type { HttpApiResult } from './http-event.js';
import { messagePage, page, PAGE_CSP, SAFE_HEADERS, wordsForPage } from './http-pages.js';

/**
 * The operator's review links: GET /approve and GET /skip only show a confirmation page (mail
 * scanners fetch every link); the button POSTs, and only then does the draft change. The signed
 * token names the edition, expires, and works once (the draft's status moves in one conditional write).
 */

export interface ReviewRouteDependencies {
  newsletters: readonly NewsletterConfig[];
  editions: EditionStore;
  tokenKeys: TokenKeys;
  now: () => Date;
  /**
   * Called after an approval, and awaited before the answer (on Lambda nothing runs after it): sends
   * the approved edition (the dev server starts the digest in the background; on AWS the readers are
   * queued for the senders). Without it, the next scheduled run sends it, since it resumes a sending edition.
   */
  onApproved?: (newsletter: NewsletterConfig, editionId: string) => void | Promise<void>;
}

export type ReviewResult = HttpApiResult;

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PAGE_CSP,
  ...SAFE_HEADERS,
  'cache-control': 'no-store',
} as const;

export function isReviewPath(route: string): route is '/approve' | '/skip' {
  return route === '/approve' || route === '/skip';
}

/** Answers GET or POST on /approve or /skip. */
export async function reviewRoute(deps: ReviewRouteDependencies, method: string, route: '/approve' | '/skip', query: URLSearchParams): Promise<ReviewResult> {
  const purpose: ReviewPurpose = route === '/approve' ? 'approve' : 'skip';
  const editionId = query.get('edition') ?? '';
  const token = query.get('token') ?? '';
  const newsletter = newsletterOfEdition(deps.newsletters, editionId);
  const language = newsletter?.language ?? deps.newsletters[0]!.language;
  const check = verifyReviewToken(deps.tokenKeys, token, purpose, editionId, deps.now());
  if (!newsletter || !check.ok || check.claims.newsletterId !== newsletter.id) {
    const w = wordsForPage(language);
    const expired = !check.ok && check.reason === 'expired';
    return result(expired ? 410 : 400, messagePage({ language, title: expired ? w.linkExpiredTitle : w.linkInvalidTitle, text: w.linkInvalidBody }));
  }
  const words = REVIEW_WORDS[newsletter.language];
  if (method === 'GET') {
    const draft = await draftToDecide(deps.editions, newsletter, editionId);
    if (draft.status !== 'draft') return decided(newsletter, draft);
    const { edition } = draft;
    const action = `${purpose}?edition=${encodeURIComponent(editionId)}&token=${encodeURIComponent(token)}`;
    const body = `<p>${escapeHtml(purpose === 'approve' ? words.approveBody(edition.subject) : words.skipBody(edition.subject))}</p>
<form method="post" action="${escapeHtml(action)}">
<button type="submit"${purpose === 'skip' ? ' class="danger"' : ''}>${escapeHtml(purpose === 'approve' ? words.approve : words.skip)}</button>
</form>`;
    return result(
      200,
      page({ language: newsletter.language, brand: newsletter.title, title: purpose === 'approve' ? words.approveTitle : words.skipTitle, body }),
    );
  }
  if (method !== 'POST')
    return {
      ...result(405, messagePage({ language, title: wordsForPage(language).notFoundTitle, text: wordsForPage(language).notFoundBody })),
      headers: { ...HEADERS, allow: 'GET, POST' },
    };
  const decision = purpose === 'approve' ? await approveDraft(deps.editions, newsletter, editionId) : await skipDraft(deps.editions, newsletter, editionId);
  if (decision.status === 'approved') await deps.onApproved?.(newsletter, editionId);
  return decided(newsletter, decision);
}

/** The page after a decision (or for a draft already decided), for the edit page too. */
export function decisionPage(newsletter: NewsletterConfig, decision: ReviewDecision): ReviewResult {
  return decided(newsletter, decision);
}

/** A review page's answer: HTML, never cached, with the pages' security headers. */
export function reviewPageResult(statusCode: number, body: string): ReviewResult {
  return result(statusCode, body);
}

function decided(newsletter: NewsletterConfig, decision: ReviewDecision): ReviewResult {
  const words = REVIEW_WORDS[newsletter.language];
  const frame = { language: newsletter.language, brand: newsletter.title };
  switch (decision.status) {
    case 'not-found':
      return notFound(newsletter);
    case 'approved':
      return result(200, messagePage({ ...frame, title: words.approvedTitle, text: words.approvedBody(decision.edition.subject) }));
    case 'skipped':
      return result(200, messagePage({ ...frame, title: words.skippedTitle, text: words.skippedBody(decision.edition.subject) }));
    case 'not-draft':
      return result(409, messagePage({ ...frame, title: words.doneTitle, text: words.doneBody(decision.edition.subject, decision.edition.status) }));
  }
}

function notFound(newsletter: NewsletterConfig): ReviewResult {
  const w = wordsForPage(newsletter.language);
  return result(404, messagePage({ language: newsletter.language, title: w.notFoundTitle, text: w.notFoundBody }));
}

function result(statusCode: number, body: string): ReviewResult {
  return { statusCode, headers: { ...HEADERS }, body };
}
