import { describe, expect, it } from 'vitest';
import { extractHtmlArticle, htmlToParagraphs } from '../../../functions/adapters/sources/html-article.js';
import { CPU_BUDGET_SECONDS, cpuSeconds, MEGABYTE } from '../../support/hostile-text.js';
import { fixture } from './fixture-server.js';

function extract(html: string, pageUrl?: string) {
  const result = extractHtmlArticle(html, pageUrl);
  if ('error' in result) throw new Error(`expected an article, got: ${result.error}`);
  return result;
}

describe('extractHtmlArticle', () => {
  describe('an English news page', () => {
    const article = extract(fixture('en-article.html'), 'https://times.example/news/harbour-bay-cleanup?ref=home');
    const paragraphs = article.text.split('\n\n');

    it('keeps the article paragraphs in order, one per block, separated by blank lines', () => {
      expect(paragraphs[0]).toBe(
        'More than three hundred volunteers spent Saturday morning pulling discarded nets, bottles and wrappers out of ' +
          'the water at Harbour Bay, collecting about two tonnes of plastic in four hours.',
      );
      expect(paragraphs).toContain(
        '“Most of what we find has drifted in from elsewhere,” said the trust’s coordinator, Amir Haddad. “The bay is a trap for the whole coastline.”',
      );
      expect(paragraphs).toContain('What happens to the plastic');
      expect(paragraphs).toContain('Nets and ropes: 1.2 tonnes');
      expect(paragraphs.at(-1)).toBe('The next clean-up is planned for the first Saturday of June, and the trust is asking for volunteers with small boats.');
    });

    it.each([
      ['navigation', 'World news'],
      ['scripts', 'SCRIPT TEXT SHOULD NOT APPEAR'],
      ['styles', 'STYLE TEXT'],
      ['ads', 'WidgetMart'],
      ['cookie notices', 'cookies'],
      ['related articles', 'gardening tips'],
      ['the sidebar', 'floating restaurant'],
      ['newsletter sign-up', 'morning briefing'],
      ['share buttons', 'Share on Facebook'],
      ['the footer', 'All rights reserved'],
      ['the byline line', 'By Jane Rivers'],
    ])('leaves out %s', (_chrome, text) => {
      expect(article.text).not.toContain(text);
    });

    it('reads the title, byline, date, canonical URL and language the page declares', () => {
      expect(article.title).toBe('Volunteers clear two tonnes of plastic from Harbour Bay');
      expect(article.byline).toBe('Jane Rivers');
      expect(article.publishedAt).toBe('2024-05-14T07:30:00.000Z');
      expect(article.canonicalUrl).toBe('https://times.example/news/harbour-bay-cleanup');
      expect(article.language).toBe('en-GB');
    });

    it('does not repeat the title as the first paragraph', () => {
      expect(paragraphs[0]).not.toBe(article.title);
    });
  });

  describe('a Chinese news page', () => {
    const article = extract(fixture('zh-article.html'), 'https://news.example.tw/a/3');

    it('keeps the article sentences, joining lines broken inside Chinese text', () => {
      expect(article.text.split('\n\n')).toEqual([
        '臺北市政府今天宣布，將在未來三年內於學校、公園及公有建築新增一百座雨水回收設施，預計每年可節省約五十萬噸自來水。',
        '市府指出，回收的雨水將用於澆灌植栽、沖洗廁所及清洗街道，並優先設置在用水量大的中小學校園。',
        '環保團體表示樂見此政策，但也提醒市府應定期檢查儲水槽的水質，避免孳生病媒蚊。市府回應，每座設施都將納入例行巡檢。',
        '第一批設施預計明年春天完工，市府也將提供補助，鼓勵民間大樓自行設置雨水回收系統。',
      ]);
    });

    it.each([['首頁'], ['財經新聞'], ['限時優惠'], ['Cookie'], ['延伸閱讀'], ['颱風季節'], ['版權所有'], ['腳本內容']])('leaves out %s', (text) => {
      expect(article.text).not.toContain(text);
    });

    it('reads the date and author from JSON-LD, the URL from og:url and the language from <html lang>', () => {
      expect(article.title).toBe('臺北市推動雨水回收 三年內新增百座儲水設施');
      expect(article.publishedAt).toBe('2024-06-03T01:00:00.000Z');
      expect(article.byline).toBe('林美華');
      expect(article.canonicalUrl).toBe('https://news.example.tw/articles/rainwater-2024?utm_source=rss');
      expect(article.language).toBe('zh-Hant-TW');
    });
  });

  it('takes the date from <time datetime> when the page has no metadata for it', () => {
    const article = extract(
      '<html><body><article><h1>Notes</h1><time datetime="2024-02-01">1 Feb</time><p>A short note about the harbour.</p></article></body></html>',
    );
    expect(article.publishedAt).toBe('2024-02-01');
    expect(article.text).toContain('A short note about the harbour.');
  });

  it('resolves a relative canonical link against the page address', () => {
    const article = extract(
      '<html><head><link rel="canonical" href="../posts/7"></head><body><p>Body text of the post.</p></body></html>',
      'https://blog.example/drafts/7/',
    );
    expect(article.canonicalUrl).toBe('https://blog.example/drafts/posts/7');
  });

  it('falls back to the body text of a page too small for Readability', () => {
    const article = extract('<p>Just one line.</p>');
    expect(article.text).toBe('Just one line.');
  });

  it('leaves page chrome out of the body-text fallback too', () => {
    const article = extract(
      '<html><body><div class="cookie-banner">We use cookies</div><nav>Home News</nav><p>Short news item.</p><div ' +
        'id="related">Other stories</div><footer>© Example</footer></body></html>',
    );
    expect(article.text).toBe('Short news item.');
  });

  it('reports a page without any text', () => {
    expect(extractHtmlArticle('<html><body><nav>Home</nav><script>x()</script></body></html>')).toEqual({
      error: 'no article text found in the page',
    });
    expect(extractHtmlArticle('   ')).toEqual({ error: 'the page is empty' });
  });
});

describe('the site name a page declares', () => {
  it('is read from og:site_name, so only it is cut from the title later', () => {
    const page = extract(
      '<html><head><title>Bridge reopens after repairs | Harbor Daily</title><meta property="og:site_name" content="Harbor Daily"></head>' +
        '<body><article><h1>Bridge reopens after repairs</h1><p>The city reopened the bridge on Monday after three months of repairs, the council said.</p>' +
        '<p>Traffic was expected to return to normal by the end of the week, officials added.</p></article></body></html>',
      'https://harbordaily.example/bridge',
    );
    expect(page.siteName).toBe('Harbor Daily');
  });
});

describe('htmlToParagraphs', () => {
  it('makes one paragraph per block and decodes entities', () => {
    expect(htmlToParagraphs('<p>Fish &amp; chips</p><ul><li>one</li><li>two</li></ul>Loose <b>text</b>')).toEqual(['Fish & chips', 'one', 'two', 'Loose text']);
  });

  it('keeps a preformatted block with a megabyte of spaces inside, read within the budget', () => {
    let paragraphs: string[] = [];
    const seconds = cpuSeconds(() => (paragraphs = htmlToParagraphs(`<pre>\n人才${' '.repeat(MEGABYTE)}回流。  \n</pre>`)));
    expect(paragraphs).toEqual([`人才${' '.repeat(MEGABYTE)}回流。`]);
    expect(seconds).toBeLessThan(CPU_BUDGET_SECONDS);
  });
});

describe('deeply nested HTML', () => {
  const text = 'The council said the harbour clean-up removed two tonnes of plastic from the bay last spring.';
  const nested = (levels: number): string => `<html><body>${'<div>'.repeat(levels)}<p>${text} ${text} ${text}</p>${'</div>'.repeat(levels)}</body></html>`;

  it('reads the article from a page nested 10,000 levels deep instead of overflowing the stack', () => {
    expect(extract(nested(10_000), 'https://example.com/deep').text).toBe(`${text} ${text} ${text}`);
  });

  it('turns a feed item nested 10,000 levels deep into its paragraph', () => {
    expect(htmlToParagraphs(nested(10_000))).toEqual([`${text} ${text} ${text}`]);
  });

  it('refuses a page with more elements than an article needs, with a reason', () => {
    expect(extractHtmlArticle(`<html><body>${'<b>x</b>'.repeat(60_000)}</body></html>`)).toEqual({
      error: 'the page has more than 50,000 HTML elements, more than any article needs; it was not read',
    });
  });
});

describe('deeply nested JSON-LD', () => {
  const body = '<article><h1>Harbour notes</h1><p>The council said the harbour clean-up removed two tonnes of plastic from the bay last spring.</p></article>';
  const page = (jsonLd: string) => `<html><head><script type="application/ld+json">${jsonLd}</script></head><body>${body}</body></html>`;
  const article = JSON.stringify({ '@type': 'NewsArticle', headline: 'Harbour notes', datePublished: '2024-05-01', author: { name: 'Amir Haddad' } });

  it('reads the page of a JSON-LD block nested 200,000 levels deep instead of overflowing the stack', () => {
    const levels = 200_000;
    const deepArrays = extract(page(`${'['.repeat(levels)}${article}${']'.repeat(levels)}`), 'https://example.com/deep');
    expect(deepArrays.text).toContain('two tonnes of plastic');
    const deepGraph = extract(page(`${'{"@graph":'.repeat(levels)}${article}${'}'.repeat(levels)}`), 'https://example.com/deep');
    expect(deepGraph.text).toContain('two tonnes of plastic');
    const deepAuthor = extract(page(`{"headline":"Harbour notes","author":${'['.repeat(levels)}"Amir"${']'.repeat(levels)}}`), 'https://example.com/deep');
    expect(deepAuthor.text).toContain('two tonnes of plastic');
  });

  it('still reads an article object inside a @graph, as sites write it', () => {
    const result = extract(
      page(JSON.stringify({ '@context': 'https://schema.org', '@graph': [{ '@type': 'WebSite' }, [JSON.parse(article)]] })),
      'https://example.com/a',
    );
    expect(result.publishedAt).toBe('2024-05-01');
    expect(result.byline).toBe('Amir Haddad');
  });
});
