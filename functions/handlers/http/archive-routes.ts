import { archiveIndexUrlFor } from '../../core/archive.js';
import type { NewsletterConfig } from '../../core/config.js';
import { verifyReviewToken } from '../../core/review.js';
import type { TokenKeys } from '../../core/tokens.js';
import type { EditionStore } from '../../ports/edition-store.js';
import { escapeHtml } from '../../core/html-escape.js';
import { archivedEditionPage, archiveFeed, listArchive, newsletterOfEdition } from '../../use-cases/archive.js';
import { ARCHIVE_WORDS } from '../../../templates/archive-words.js';
import type { HttpApiResult } from './http-event.js';
import { messagePage, page, PAGE_CSP, SAFE_HEADERS, wordsForPage } from './http-pages.js';

/**
 * The public archive routes of the subscription API: GET /archive (index), /archive/feed.xml
 * (Atom) and /archive/<edition-id> (the edition's web copy). One function per route; the
 * subscription handler hands over any path under /archive.
 */

export interface ArchiveRouteDependencies {
  newsletters: readonly NewsletterConfig[];
  editions: EditionStore;
  now: () => Date;
  /** Checks the view token of a review copy's link (`/archive/<id>?token=…`), which opens a draft; without it only public editions are shown. */
  tokenKeys?: TokenKeys;
}

export type ArchiveResult = HttpApiResult;

const BASE_HEADERS = {
  ...SAFE_HEADERS,
  // Public and the same for everyone: a short shared cache is fine and spares the table.
  'cache-control': 'public, max-age=300',
} as const;

/**
 * An edition's HTML is the email's: inline styles and remote images, no scripts, no forms.
 * The policy allows just that.
 */
const EDITION_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; font-src https: data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/** Whether a path belongs to the archive. */
export function isArchivePath(route: string): boolean {
  return route === '/archive' || route.startsWith('/archive/');
}

/** Answers one archive request; `route` has no trailing slash. */
export async function archiveRoute(deps: ArchiveRouteDependencies, method: string, route: string, query: URLSearchParams): Promise<ArchiveResult> {
  const selected = deps.newsletters.find((n) => n.id === query.get('newsletter')) ?? deps.newsletters[0]!;
  if (method !== 'GET' && method !== 'HEAD') {
    const w = wordsForPage(selected.language);
    return {
      statusCode: 405,
      headers: { ...htmlHeaders(PAGE_CSP), allow: 'GET, HEAD', 'cache-control': 'no-store' },
      body: messagePage({ language: selected.language, title: w.notFoundTitle, text: w.notFoundBody }),
    };
  }
  if (route === '/archive') return indexPage(deps, selected);
  if (route === '/archive/feed.xml') {
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/atom+xml; charset=utf-8', ...BASE_HEADERS },
      body: await archiveFeed(deps.editions, selected, deps.now()),
    };
  }
  const editionId = decodedSegment(route.slice('/archive/'.length));
  // A segment that is not valid percent-encoding (`/archive/%`) names no edition: 404, not a fault.
  if (editionId === undefined) return notFound(selected);
  const newsletter = newsletterOfEdition(deps.newsletters, editionId);
  const reviewer = newsletter !== undefined && isReviewer(deps, newsletter, editionId, query.get('token'));
  const found = newsletter ? await archivedEditionPage(deps.editions, newsletter, editionId, { reviewer }) : undefined;
  if (!found) return notFound(newsletter ?? selected);
  // A reviewer's copy is nobody else's: no shared cache keeps it and no search engine lists it.
  const headers = reviewer ? { ...htmlHeaders(EDITION_PAGE_CSP), 'cache-control': 'no-store', 'x-robots-tag': 'noindex' } : htmlHeaders(EDITION_PAGE_CSP);
  return { statusCode: 200, headers, body: found.html };
}

/** Whether the request carries a valid view token for this edition (the review copy's browser link). */
function isReviewer(deps: ArchiveRouteDependencies, newsletter: NewsletterConfig, editionId: string, token: string | null): boolean {
  if (!deps.tokenKeys || !token) return false;
  const check = verifyReviewToken(deps.tokenKeys, token, 'view', editionId, deps.now());
  return check.ok && check.claims.newsletterId === newsletter.id;
}

async function indexPage(deps: ArchiveRouteDependencies, newsletter: NewsletterConfig): Promise<ArchiveResult> {
  const w = ARCHIVE_WORDS[newsletter.language];
  const entries = await listArchive(deps.editions, newsletter);
  const id = encodeURIComponent(newsletter.id);
  const list = entries.length
    ? `<ul class="archive">\n${entries
        .map(
          (e) => `<li><a href="archive/${encodeURIComponent(e.editionId)}">${escapeHtml(e.subject)}</a> <span class="muted">${escapeHtml(e.date)}</span></li>`,
        )
        .join('\n')}\n</ul>`
    : `<p>${escapeHtml(w.noEditions)}</p>`;
  const body =
    `<p>${escapeHtml(w.archiveIntro(newsletter.title))}</p>
${list}
<p class="muted"><a href="archive/feed.xml?newsletter=${id}" ` +
    `type="application/atom+xml">${escapeHtml(w.feedLink)}</a> · <a ` +
    `href="subscribe?newsletter=${id}">${escapeHtml(w.subscribe)}</a></p>`;
  return {
    statusCode: 200,
    headers: htmlHeaders(PAGE_CSP),
    body: page({ language: newsletter.language, brand: newsletter.title, title: w.archiveTitle, body }),
  };
}

function notFound(newsletter: NewsletterConfig): ArchiveResult {
  const w = wordsForPage(newsletter.language);
  return {
    statusCode: 404,
    headers: { ...htmlHeaders(PAGE_CSP), 'cache-control': 'no-store' },
    body: messagePage({
      language: newsletter.language,
      title: w.notFoundTitle,
      text: w.notFoundBody,
      link: { href: archiveIndexUrlFor(newsletter.baseUrl, newsletter.id), label: ARCHIVE_WORDS[newsletter.language].archiveTitle },
    }),
  };
}

/** A path segment percent-decoded, or undefined when its escapes are malformed (`%`, `%ZZ`, half a UTF-8 sequence). */
function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function htmlHeaders(csp: string): Record<string, string> {
  return { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, ...BASE_HEADERS };
}
