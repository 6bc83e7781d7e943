import { escapeHtml } from '../core/html-escape.js';
import { archiveFeedUrlFor, archiveIndexUrlFor, archiveUrlFor, isPublicEdition, signUpUrlFor } from '../core/archive.js';
import type { NewsletterConfig } from '../core/config.js';
import type { EditionRecord, EditionStore } from '../ports/edition-store.js';
import type { RenderedEdition } from '../core/edition.js';
import { publicEditionHtml, publicEditionText, renderArchiveFeed } from '../render/render-archive.js';
import { wordsFor } from '../../templates/i18n.js';
import { ARCHIVE_WORDS } from '../../templates/archive-words.js';

/** How many editions the index and the feed list: a year of weeklies and then some. */
const ARCHIVE_LIMIT = 100;

export interface ArchiveEntry {
  editionId: string;
  subject: string;
  date: string;
  /** When the edition went out (finished), or was created while it is still going out. */
  sentAt: string;
  url: string;
  articleTitles: string[];
  /** The articles with their key points, where the edition kept them. */
  articles: { title: string; keyPoints?: string[] }[];
}

/** Editions read from the store at a time while looking for public ones. */
const ARCHIVE_PAGE_SIZE = 100;

/**
 * The public editions of a newsletter, newest first. Drafts and skipped editions are passed over
 * however many there are: pages are read until `limit` public editions are found (and the rest of
 * the last one's date, whose editions the store does not order) or the store has no more.
 */
export async function listArchive(editions: EditionStore, newsletter: NewsletterConfig, limit = ARCHIVE_LIMIT): Promise<ArchiveEntry[]> {
  const found: EditionRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await editions.listPage(newsletter.id, { limit: ARCHIVE_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    found.push(...page.editions.filter((e) => isPublicEdition(e.status)));
    cursor = page.cursor;
    const lastDate = found[limit - 1]?.date;
    if (lastDate !== undefined && (page.editions.at(-1)?.date ?? '') < lastDate) break;
  } while (cursor);
  return found
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, limit)
    .map((e) => entryOf(newsletter, e));
}

/**
 * An edition's public page: the stored HTML with personal links replaced, or undefined when the
 * edition does not exist or is not public (a draft, a skipped edition). `reviewer`: the holder of a
 * review copy's view token, who also sees a draft or skipped edition.
 */
export async function archivedEditionPage(
  editions: EditionStore,
  newsletter: NewsletterConfig,
  editionId: string,
  options: { reviewer?: boolean } = {},
): Promise<{ edition: EditionRecord; html: string } | undefined> {
  const edition = await editions.get(newsletter.id, editionId);
  if (!edition || !(options.reviewer || isPublicEdition(edition.status))) return undefined;
  const rendered = await editions.getRendered(newsletter.id, editionId);
  if (!rendered) return undefined;
  return { edition, html: publicCopy(newsletter, editionId, rendered).html };
}

/**
 * The public copy of a rendered edition, as its archive page shows it: the per-reader links give way
 * to the sign-up link, so no placeholder and nothing personal is in it. Also what `digest` and
 * `preview` write to `out/`, a file people open and pass on.
 */
export function publicCopy(newsletter: NewsletterConfig, editionId: string, rendered: RenderedEdition): { html: string; text: string } {
  const signUpUrl = signUpUrlFor(newsletter.baseUrl, newsletter.id);
  const archiveWords = ARCHIVE_WORDS[newsletter.language];
  const words = wordsFor(newsletter.language);
  // The footer's "you are receiving this because you subscribed" is not true of a visitor.
  const visitor = { whyYouGetThis: words.whyYouGetThis(newsletter.title), publicNote: archiveWords.publicCopyNote(newsletter.title) };
  return {
    html: publicEditionHtml(uncounted(rendered.html), {
      selfUrl: archiveUrlFor(newsletter.baseUrl, editionId),
      signUpUrl,
      subscribeLabel: archiveWords.subscribe,
      archive: { url: archiveIndexUrlFor(newsletter.baseUrl, newsletter.id), label: archiveWords.pastEditions },
      ...visitor,
    }),
    text: publicEditionText(rendered.text, { signUpUrl, subscribeLabel: archiveWords.subscribe, labelSeparator: words.labelSeparator, ...visitor }),
  };
}

/** The Atom feed of the newsletter's public editions. */
export async function archiveFeed(editions: EditionStore, newsletter: NewsletterConfig, now: Date): Promise<string> {
  const entries = await listArchive(editions, newsletter);
  return renderArchiveFeed({
    title: newsletter.title,
    language: newsletter.language,
    feedUrl: archiveFeedUrlFor(newsletter.baseUrl, newsletter.id),
    indexUrl: archiveIndexUrlFor(newsletter.baseUrl, newsletter.id),
    updated: now.toISOString(),
    editions: entries.map((e) => ({
      editionId: e.editionId,
      subject: e.subject,
      updated: e.sentAt,
      url: e.url,
      articleTitles: e.articleTitles,
      articles: e.articles,
    })),
  });
}

/** The newsletter an edition id belongs to: ids start with the newsletter id (the longest match wins). */
export function newsletterOfEdition(newsletters: readonly NewsletterConfig[], editionId: string): NewsletterConfig | undefined {
  return newsletters.filter((n) => editionId.startsWith(`${n.id}-`)).sort((a, b) => b.id.length - a.id.length)[0];
}

function entryOf(newsletter: NewsletterConfig, e: EditionRecord): ArchiveEntry {
  return {
    editionId: e.editionId,
    subject: e.subject,
    date: e.date,
    sentAt: e.finishedAt ?? e.createdAt,
    url: archiveUrlFor(newsletter.baseUrl, e.editionId),
    articleTitles: e.articles.map((a) => a.title),
    articles: e.articles.map((a) => ({ title: a.title, ...(a.keyPoints?.length ? { keyPoints: a.keyPoints } : {}) })),
  };
}

/**
 * The web copy counts nothing: a visitor is not a reader opening the mail. The open pixel goes, and
 * each counted link (`/click?…&u=TARGET`) becomes its target again.
 */
function uncounted(html: string): string {
  return html.replace(/<img [^>]*data-open-pixel[^>]*>/gu, '').replace(/href="([^"]*\/click\?[^"]*)"/gu, (whole, href: string) => {
    try {
      const target = new URL(href.replaceAll('&amp;', '&')).searchParams.get('u');
      return target ? `href="${escapeHtml(target)}"` : whole;
    } catch {
      return whole;
    }
  });
}
