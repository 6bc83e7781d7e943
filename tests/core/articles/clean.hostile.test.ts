import { describe, expect, it } from 'vitest';
import { cleanArticle } from '../../../functions/core/articles/clean.js';
import type { Article, ArticleFormat } from '../../../functions/core/article.js';
import { CPU_BUDGET_SECONDS, cpuSeconds, hostileArticles, hostileLines, MEGABYTE } from '../../support/hostile-text.js';

function timedClean(body: string, format: ArticleFormat, language: string): { seconds: number; article: Article | undefined } {
  let article: Article | undefined;
  const seconds = cpuSeconds(() => {
    const result = cleanArticle({ location: 'hostile.txt', format, body, language });
    article = result.ok ? result.article : undefined;
  });
  return { seconds, article };
}

describe('cleanArticle on a hostile megabyte', () => {
  for (const [name, body] of Object.entries(hostileArticles)) {
    for (const format of ['text', 'markdown'] as const) {
      for (const language of ['zh-Hant', 'en']) {
        it(`cleans ${name} (${format}, ${language}) within ${CPU_BUDGET_SECONDS} s of CPU`, () => {
          const { seconds, article } = timedClean(body, format, language);
          expect(article?.paragraphs.length).toBeGreaterThan(0);
          expect(seconds).toBeLessThan(CPU_BUDGET_SECONDS);
        });
      }
    }
  }

  it('keeps a megabyte of Chinese without a mark or a space whole, with a title cut from its start', () => {
    const body = hostileArticles['unpunctuated Chinese']!;
    const { article } = timedClean(body, 'text', 'zh-Hant');
    expect(article?.paragraphs).toEqual([body]);
    expect(article?.title).toBe(`${body.slice(0, 40)}…`);
  });

  it('leaves the marks of URLs glued to Chinese half-width and writes those of the text around them full-width', () => {
    const { article } = timedClean(hostileArticles['long URLs glued to Chinese']!, 'text', 'zh-Hant');
    const text = article!.paragraphs.join('\n');
    expect(text).toContain('網址https://例子.tw/新聞?id=3,第2頁;q=aaaa');
    expect(text).toContain('&x=1 人才流失，技術失血。看www.example.com/a,b;c 回流，好。');
    expect(text).toContain('開頭https://example.com/a,a,a,');
    expect(text).toMatch(/a,a,結尾$/u);
  });

  it('collapses a megabyte of spaces between words to one', () => {
    const { article } = timedClean(hostileArticles['a megabyte of spaces']!, 'text', 'zh-Hant');
    expect(article?.paragraphs).toEqual(['人才 flows back 回流。']);
  });

  it('keeps the lines on either side of a megabyte of blank lines', () => {
    for (const format of ['text', 'markdown'] as const) {
      const { article } = timedClean(hostileArticles['a megabyte of blank lines']!, format, 'en');
      expect(article?.paragraphs).toEqual(['First line.', 'Last line.']);
    }
  });

  it('takes no headline from a source title of a megabyte, within the budget', () => {
    let title: string | undefined;
    const seconds = cpuSeconds(() => {
      const result = cleanArticle({
        location: 'hostile.txt',
        format: 'text',
        body: '人才回流的速度比預期更快。',
        title: hostileLines['a title of a megabyte of "_a"']!,
      });
      title = result.ok ? result.article.title : undefined;
    });
    expect(title).toBe('人才回流的速度比預期更快');
    expect(seconds).toBeLessThan(CPU_BUDGET_SECONDS);
  });

  it('handles a heading of a megabyte without taking minutes', () => {
    const heading = `# ${'標題'.repeat(MEGABYTE / 4)} #\n\n正文第一句。正文第二句。`;
    const { seconds, article } = timedClean(heading, 'markdown', 'zh-Hant');
    expect(article?.paragraphs.join('')).toContain('正文第一句。');
    expect(seconds).toBeLessThan(CPU_BUDGET_SECONDS);
  });
});
