import { parentPort } from 'node:worker_threads';
import { extractHtmlArticle } from './html-article.js';

/**
 * The worker thread that reads one page (see `readHtmlArticle` in html-article-thread.ts): it gets
 * `{ html, pageUrl }` and answers with what `extractHtmlArticle` returns, page after page, until its
 * parent ends it.
 * Its own file, so that the Lambda bundle carries it as a second entry beside the handler.
 */
parentPort?.on('message', (page: { html: string; pageUrl?: string }) => {
  parentPort?.postMessage(extractHtmlArticle(page.html, page.pageUrl));
});
