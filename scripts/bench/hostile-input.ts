import { extractHtmlArticle, htmlToParagraphs } from '../../functions/adapters/sources/html-article.js';
import { cleanArticle } from '../../functions/core/articles/clean.js';

/**
 * Times the inputs a hostile or careless publisher can hand over, each of which must stay well
 * under 2 s so that one article never stalls an edition: a 5 MB article that is one paragraph, a
 * million characters of Chinese without a space or a mark, and HTML nested 2,000 and 10,000 levels
 * deep (as a page, and as a feed item's content).
 */

const SENTENCE = 'The council said the harbour clean-up removed two tonnes of plastic from the bay last spring. ';

export function singleParagraphText(bytes: number): string {
  return SENTENCE.repeat(Math.ceil(bytes / SENTENCE.length)).slice(0, bytes);
}

export function nestedHtml(levels: number, before = '', after = ''): string {
  return `<html><body>${before}${'<div>'.repeat(levels)}<p>${SENTENCE.repeat(5)}</p>${'</div>'.repeat(levels)}${after}</body></html>`;
}

/** Wall-clock and CPU seconds of one run: on a shared machine the CPU time is the steadier figure. */
function measure(figures: Record<string, number>, label: string, work: () => unknown): void {
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    work();
  } catch {
    // A failure still took time; the figure is the time to an answer either way.
  }
  const used = process.cpuUsage(cpu);
  figures[`${label} (s)`] = (performance.now() - started) / 1000;
  figures[`${label} (CPU s)`] = (used.user + used.system) / 1e6;
}

export async function benchHostileInput(): Promise<{ name: string; figures: Record<string, number> }> {
  const text = singleParagraphText(5 * 1024 * 1024);
  const figures: Record<string, number> = {};
  measure(figures, 'clean 5 MB single-paragraph article', () => cleanArticle({ location: 'bench.txt', format: 'text', body: text }));
  measure(figures, 'clean it with one damaged sentence', () =>
    cleanArticle({ location: 'bench.txt', format: 'text', body: `${text.slice(0, 1000)}\uFFFD${text.slice(1000)}` }),
  );
  const chinese = '人才流失是一種技術失血'.repeat(100_000);
  measure(figures, 'clean 1.1 million characters of Chinese without a space or a mark', () =>
    cleanArticle({ location: 'bench.txt', format: 'text', body: chinese }),
  );
  for (const levels of [2_000, 10_000]) {
    const html = nestedHtml(levels);
    measure(figures, `page nested ${levels.toLocaleString('en-US')} levels`, () => extractHtmlArticle(html, 'https://example.com/deep'));
    measure(figures, `feed item nested ${levels.toLocaleString('en-US')} levels`, () => htmlToParagraphs(html));
  }
  const hidden = nestedHtml(2_000, '<div a">', '<p>The 27" screen sold out.</p>');
  measure(figures, 'page nested 2,000 levels behind an unbalanced quote', () => extractHtmlArticle(hidden, 'https://example.com/hidden'));
  return { name: '(v) hostile input, one article each: budget < 2 s', figures };
}
