import { parentPort } from 'node:worker_threads';
import { extractHtmlArticle } from './html-article.js';

/**
 * The worker thread that reads one page (see `readHtmlArticle` in html-article-thread.ts): it gets
 * `{ html, pageUrl }`, answers with what `extractHtmlArticle` returns, and is ended by its parent.
 * Its own file, so that the Lambda bundle carries it as a second entry beside the handler.
 */
parentPort?.once('message', (page: { html: string; pageUrl?: string }) => {
  parentPort?.postMessage(extractHtmlArticle(page.html, page.pageUrl));
});
