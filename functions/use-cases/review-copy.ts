import type { NewsletterConfig } from '../core/config.js';
import type { RenderedEdition } from '../core/edition.js';
import { reviewLinks } from '../core/review.js';
import type { EditionRecord } from '../ports/edition-store.js';
import type { Mailer } from '../ports/mailer.js';
import { withReviewBanner } from '../render/review-banner.js';
import { EDIT_WORDS, REVIEW_WORDS } from '../../templates/review-words.js';
import type { Clock } from '../core/clock.js';
import { sendTestCopies } from './test-send.js';

/**
 * Mails a draft to the newsletter's operators: the edition as readers would get it, marked for
 * review, with signed approve, edit and skip links on top. Nothing goes to the list.
 */
export async function sendForReview(
  newsletter: NewsletterConfig,
  deps: { mailer: Mailer; clock: Clock; tokenKey: Buffer },
  draft: { edition: EditionRecord; rendered: RenderedEdition },
): Promise<{ sent: number }> {
  const words = REVIEW_WORDS[newsletter.language];
  const links = reviewLinks(deps.tokenKey, newsletter.baseUrl, newsletter.id, draft.edition.editionId, deps.clock.now());
  const rendered = withReviewBanner(draft.rendered, { ...links, words: { ...words, edit: EDIT_WORDS[newsletter.language].edit } });
  const result = await sendTestCopies(newsletter, deps, { rendered, editionId: draft.edition.editionId }, newsletter.operators, { subjectMark: words.subjectMark });
  return { sent: result.sent };
}
