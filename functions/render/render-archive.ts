/** The public archive: an edition's web copy without personal links, and the Atom feed of editions. */

import { parseHTML } from 'linkedom';
import { PLACEHOLDERS } from '../core/edition.js';
import { escapeHtml } from '../core/html-escape.js';
import { wrapPlainText } from './plain-text.js';
import { serializeHtml } from './serialize-html.js';

/**
 * The web copy of an edition from its stored HTML: the per-reader links (unsubscribe,
 * preferences) give way to one sign-up link, and the "view in browser" link, which would point at
 * this very page, is left out. Nothing personal was ever in the stored HTML (it holds placeholders),
 * so nothing personal can leak; this only keeps the page from showing dead links. The page is
 * written with `serializeHtml`, which escapes every text: the stored HTML holds feed titles and key
 * points, and linkedom's own `outerHTML` would unescape a title's `&lt;/title&gt;` into markup.
 */
export function publicEditionHtml(
  html: string,
  input: {
    selfUrl: string;
    signUpUrl: string;
    subscribeLabel: string;
    /** Shown beside the sign-up link. */
    archive?: { url: string; label: string };
    /** The footer line written to subscribers, and what a visitor reads in its place. */
    whyYouGetThis?: string;
    publicNote?: string;
  },
): string {
  const { document } = parseHTML(html);
  if (input.whyYouGetThis !== undefined && input.publicNote !== undefined) {
    for (const paragraph of Array.from(document.querySelectorAll('p'))) {
      if (paragraph.textContent?.trim() === input.whyYouGetThis) paragraph.textContent = input.publicNote;
    }
  }
  const personal = new Set<string>([PLACEHOLDERS.unsubscribeUrl, PLACEHOLDERS.preferencesUrl]);
  let replaced = false;
  for (const link of Array.from(document.querySelectorAll('a'))) {
    const href = link.getAttribute('href') ?? '';
    if (href === input.selfUrl) {
      link.remove();
      continue;
    }
    if (!personal.has(href)) continue;
    const holder = link.parentElement;
    // The footer puts both personal links in one paragraph: that paragraph becomes the sign-up link.
    if (holder && !replaced) {
      const signUp = document.createElement('a');
      signUp.setAttribute('href', input.signUpUrl);
      signUp.setAttribute('style', 'color:#0b57d0');
      signUp.textContent = input.subscribeLabel;
      holder.replaceChildren(signUp);
      if (input.archive) {
        const archive = document.createElement('a');
        archive.setAttribute('href', input.archive.url);
        archive.setAttribute('style', 'color:#0b57d0');
        archive.textContent = input.archive.label;
        holder.append(document.createTextNode(' · '), archive);
      }
      replaced = true;
    } else {
      link.remove();
    }
  }
  const out = `<!doctype html>\n${serializeHtml(document.documentElement)}`;
  // A placeholder outside a link (none in the bundled templates) must not reach the page either;
  // escaped, the URL is safe wherever the placeholder stood (text, attribute value or comment).
  const signUp = escapeHtml(input.signUpUrl);
  return out.replaceAll(PLACEHOLDERS.unsubscribeUrl, signUp).replaceAll(PLACEHOLDERS.preferencesUrl, signUp);
}

/**
 * The plain-text part of a public copy: the first line with a per-reader link becomes the sign-up
 * line, any other is dropped, and no placeholder is left anywhere.
 */
export function publicEditionText(
  text: string,
  input: { signUpUrl: string; subscribeLabel: string; labelSeparator: string; whyYouGetThis?: string; publicNote?: string },
): string {
  if (input.whyYouGetThis !== undefined && input.publicNote !== undefined) {
    text = text.replace(wrapPlainText(input.whyYouGetThis).join('\n'), wrapPlainText(input.publicNote).join('\n'));
  }
  const personal = [PLACEHOLDERS.unsubscribeUrl, PLACEHOLDERS.preferencesUrl];
  let replaced = false;
  const lines = text.split('\n').flatMap((line) => {
    if (!personal.some((p) => line.includes(p))) return [line];
    if (replaced) return [];
    replaced = true;
    return [`${input.subscribeLabel}${input.labelSeparator}${input.signUpUrl}`];
  });
  return lines.join('\n').replaceAll(PLACEHOLDERS.unsubscribeUrl, input.signUpUrl).replaceAll(PLACEHOLDERS.preferencesUrl, input.signUpUrl);
}

export interface FeedEdition {
  editionId: string;
  subject: string;
  /** When it was sent (ISO 8601). */
  updated: string;
  url: string;
  /** Article titles, the entry's summary when the edition kept no key points. */
  articleTitles: string[];
  /** The articles with their key points: the summary, each title followed by its points. */
  articles?: { title: string; keyPoints?: string[] }[];
}

/** An entry's summary: what the edition says, each article's title and key points, as plain text. */
function feedSummary(e: FeedEdition): string {
  if (!e.articles?.some((a) => a.keyPoints?.length)) return e.articleTitles.join(' · ');
  return e.articles.map((a) => [a.title, ...(a.keyPoints ?? []).map((p) => `- ${p}`)].join('\n')).join('\n\n');
}

/**
 * The Atom feed (RFC 4287) of a newsletter's public editions, newest first. The feed id is the
 * index page's URL and each entry's id its page URL: both stay the same for the life of the archive.
 */
export function renderArchiveFeed(input: {
  title: string;
  language: string;
  feedUrl: string;
  indexUrl: string;
  editions: FeedEdition[];
  updated: string;
}): string {
  const entries = input.editions
    .map(
      (e) => `  <entry>
    <id>${xml(e.url)}</id>
    <title>${xml(e.subject)}</title>
    <link rel="alternate" type="text/html" href="${xml(e.url)}"/>
    <updated>${xml(e.updated)}</updated>
    <summary type="text">${xml(feedSummary(e))}</summary>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xml(input.language)}">
  <id>${xml(input.indexUrl)}</id>
  <title>${xml(input.title)}</title>
  <link rel="self" type="application/atom+xml" href="${xml(input.feedUrl)}"/>
  <link rel="alternate" type="text/html" href="${xml(input.indexUrl)}"/>
  <updated>${xml(input.editions[0]?.updated ?? input.updated)}</updated>
  <author><name>${xml(input.title)}</name></author>
${entries}
</feed>
`;
}

/** XML text and attribute escaping; control characters XML 1.0 cannot carry are dropped. */
function xml(value: string): string {
  return value
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
