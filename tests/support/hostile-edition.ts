import { archiveUrlFor } from '../../functions/core/archive.js';
import { buildEditionModel, type EditionModel } from '../../functions/core/edition.js';
import type { NewsletterConfig } from '../../functions/core/config.js';

/**
 * Text from feeds and pages that tries to leave the element it is shown in: each string closes a
 * raw-text or escapable element (title, style, script, textarea) or a comment, then opens a
 * meta refresh or an element marked `injected`. Shown as text, none of it may become markup.
 */
export const HOSTILE = {
  /** The finding itself: a feed title that closes `<title>` and redirects the archive page. */
  title: '</title><meta http-equiv=refresh content="0;url=https://evil.example/">',
  styleBreakout: '</style><meta http-equiv=refresh content="0;url=https://evil.example/style"><b id=injected-style>x</b>',
  scriptBreakout: '</script><b id=injected-script>x</b>',
  textareaBreakout: '</textarea><img id=injected-textarea src=x>',
  commentBreakout: '--><b id=injected-comment>x</b><!--',
  markup: '<b id=injected-markup>bold</b> & <img id=injected-img src=x onerror=alert(1)>',
  intro: '</title></style></textarea><meta http-equiv=refresh content="0;url=https://evil.example/intro"><b id=injected-intro>hi</b>',
} as const;

/**
 * An edition built the way a run builds it (the subject leads with the first article's title)
 * from articles whose titles and key points are the hostile strings, with a hostile intro; its web
 * copy is the archive page of the newsletter's base URL.
 */
export function hostileEdition(newsletter: NewsletterConfig, now: Date): EditionModel {
  const model = buildEditionModel({
    newsletter,
    now,
    articles: [
      {
        id: 'hostile-1',
        title: HOSTILE.title,
        keyPoints: [HOSTILE.styleBreakout, HOSTILE.scriptBreakout, HOSTILE.markup],
        url: 'https://example.org/hostile',
        location: 'https://example.org/feed.xml',
      },
      { id: 'hostile-2', title: HOSTILE.textareaBreakout, keyPoints: [HOSTILE.commentBreakout, HOSTILE.title], location: 'articles/hostile.txt' },
    ],
  });
  return { ...model, intro: HOSTILE.intro, webUrl: archiveUrlFor(newsletter.baseUrl, model.editionId) };
}
