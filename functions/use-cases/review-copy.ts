import type { NewsletterConfig } from '../core/config.js';
import type { RenderedEdition } from '../core/edition.js';
import { archiveUrlFor } from '../core/archive.js';
import { reviewLinks, reviewViewUrl } from '../core/review.js';
import type { EditionRecord } from '../ports/edition-store.js';
import type { Mailer } from '../ports/mailer.js';
import { escapeHtml } from '../core/html-escape.js';
import { withReviewBanner } from '../render/review-banner.js';
import { EDIT_WORDS, REVIEW_WORDS } from '../../templates/review-words.js';
import type { Clock } from '../core/clock.js';
import { sendTestCopies } from './test-send.js';

/**
 * Mails a draft to the newsletter's operators: the edition as readers would get it, marked for
 * review, with signed approve, edit and skip links on top. Its "view in browser" link opens the
 * draft with a signed view token: the edition's public page does not exist until it goes out.
 * Nothing goes to the list.
 */
export async function sendForReview(
  newsletter: NewsletterConfig,
  deps: { mailer: Mailer; clock: Clock; tokenKey: Buffer },
  draft: { edition: EditionRecord; rendered: RenderedEdition },
): Promise<{ sent: number }> {
  const words = REVIEW_WORDS[newsletter.language];
  const links = reviewLinks(deps.tokenKey, newsletter.baseUrl, newsletter.id, draft.edition.editionId, deps.clock.now());
  const publicUrl = archiveUrlFor(newsletter.baseUrl, draft.edition.editionId);
  const viewUrl = reviewViewUrl(deps.tokenKey, newsletter.baseUrl, newsletter.id, draft.edition.editionId, deps.clock.now());
  const reviewable: RenderedEdition = {
    ...draft.rendered,
    html: draft.rendered.html.replaceAll(`"${escapeHtml(publicUrl)}"`, `"${escapeHtml(viewUrl)}"`),
    text: draft.rendered.text.replace(new RegExp(`${escapeRegExp(publicUrl)}(?=\\s|$)`, 'g'), () => viewUrl),
  };
  const rendered = withReviewBanner(reviewable, { ...links, words: { ...words, edit: EDIT_WORDS[newsletter.language].edit } });
  const result = await sendTestCopies(newsletter, deps, { rendered, editionId: draft.edition.editionId }, newsletter.operators, {
    subjectMark: words.subjectMark,
  });
  return { sent: result.sent };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
