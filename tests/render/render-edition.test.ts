import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { ArticleDigest } from '../../functions/core/article.js';
import { PLACEHOLDERS, type EditionModel } from '../../functions/core/edition.js';
import { RenderError } from '../../functions/render/errors.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { languageSchema } from '../../functions/core/config.js';
import { wordsFor } from '../../templates/i18n.js';
import { sampleEdition, sampleEnglishEdition } from '../fixtures/sample-editions.js';
import { HOSTILE, hostileEdition } from '../support/hostile-edition.js';
import { START, testNewsletters } from '../support/subscription-fixtures.js';

const strict = { validationLevel: 'strict' } as const;

function documentOf(html: string): Document {
  return parseHTML(html).document as unknown as Document;
}

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function withArticles(articles: ArticleDigest[], base: EditionModel = sampleEdition): EditionModel {
  return { ...base, articles };
}

describe('renderEdition', () => {
  it.each([
    ['zh-Hant', sampleEdition],
    ['zh-Hans', { ...sampleEdition, language: 'zh-Hans' } satisfies EditionModel],
    ['en', sampleEnglishEdition],
  ] as const)('sets the html lang attribute to %s', async (language, model) => {
    const { html } = await renderEdition(model, strict);
    expect(documentOf(html).documentElement.getAttribute('lang')).toBe(language);
  });

  it.each(languageSchema.options)('renders a %s digest in its own words, html and text alike', async (language) => {
    const words = wordsFor(language);
    const model = { ...sampleEnglishEdition, language, webUrl: 'https://example.org/editions/1' } satisfies EditionModel;
    const { html, text } = await renderEdition(model, strict);
    const document = documentOf(html);
    expect(document.documentElement.getAttribute('lang')).toBe(language);
    const links = Array.from(document.querySelectorAll('a'), (a) => [a.textContent.trim(), a.getAttribute('href')]);
    expect(links).toContainEqual([words.unsubscribe, PLACEHOLDERS.unsubscribeUrl]);
    expect(links).toContainEqual([words.preferences, PLACEHOLDERS.preferencesUrl]);
    expect(links).toContainEqual([words.viewOnline, 'https://example.org/editions/1']);
    expect(document.body.textContent).toContain(words.greeting);
    expect(document.body.textContent).toContain(words.keyPoints);
    expect(document.body.textContent).toContain(words.formatDate(model.date));
    expect(text).toContain(`${words.unsubscribe}${words.labelSeparator}${PLACEHOLDERS.unsubscribeUrl}`);
    expect(text).toContain(`${words.readMore}${words.labelSeparator}${sampleEnglishEdition.articles[0]?.url}`);
  });

  it('shows an article title without the site name its page title carried, in html and text', async () => {
    const article: ArticleDigest = {
      id: 'c9d0e1f2',
      title: 'Why top AI researchers change labs | Example News',
      keyPoints: ['A point.'],
      url: 'https://example.org/a',
      location: 'feed',
    };
    const model = withArticles([article], sampleEnglishEdition);
    const { html, text } = await renderEdition(model, strict);
    expect(documentOf(html).querySelector('h2')?.textContent).toBe('Why top AI researchers change labs');
    expect(text).toContain('Why top AI researchers change labs\n');
    expect(text).not.toContain('Example News');
  });

  it('uses the subject as the title tag and returns it unchanged', async () => {
    const edition = await renderEdition(sampleEdition, strict);
    expect(edition.subject).toBe(sampleEdition.subject);
    expect(documentOf(edition.html).querySelector('title')?.textContent).toBe(sampleEdition.subject);
  });

  it('shows the preheader as hidden preview text', async () => {
    const { html } = await renderEdition(sampleEdition, strict);
    const preview = documentOf(html).querySelector('body > div');
    expect(preview?.textContent).toBe(sampleEdition.preheader);
    expect(preview?.getAttribute('style')).toContain('display:none');
  });

  it("hides the preheader the way SpamAssassin's HTML_FONT_LOW_CONTRAST accepts: no text anywhere in the colour of its background", async () => {
    for (const model of [sampleEdition, sampleEnglishEdition]) {
      const { html } = await renderEdition(model, strict);
      expect(lowContrastTexts(html)).toEqual([]);
      const preview = documentOf(html).querySelector('body > div');
      expect(preview?.textContent).toBe(model.preheader);
      for (const hidden of ['display:none', 'mso-hide:all', 'max-height:0', 'opacity:0']) expect(preview?.getAttribute('style')).toContain(hidden);
    }
  });

  it('heads the edition with the newsletter title, the date and a greeting', async () => {
    const { html } = await renderEdition(sampleEdition, strict);
    const doc = documentOf(html);
    expect(doc.querySelector('h1')?.textContent).toBe('AI 人才週報');
    expect(doc.body.textContent).toContain('2025年7月14日');
    expect(doc.body.textContent).toContain('您好！以下是本期的重點整理。');
    expect(doc.querySelector(`a[href="${sampleEdition.webUrl}"]`)?.textContent).toBe('在瀏覽器中查看');
  });

  it('renders each article title as a level-two heading, linked to its url when known', async () => {
    const { html } = await renderEdition(sampleEdition, strict);
    const headings = Array.from(documentOf(html).querySelectorAll('h2'));
    expect(headings.map((h) => h.textContent)).toEqual(sampleEdition.articles.map((a) => a.title));
    sampleEdition.articles.forEach((article, i) => {
      expect(headings[i]?.querySelector('a')?.getAttribute('href') ?? null).toBe(article.url ?? null);
    });
  });

  it('lists every key point as a list item under its article', async () => {
    const { html } = await renderEdition(sampleEdition, strict);
    const lists = Array.from(documentOf(html).querySelectorAll('ul'));
    expect(lists).toHaveLength(sampleEdition.articles.length);
    sampleEdition.articles.forEach((article, i) => {
      expect(Array.from(lists[i]?.querySelectorAll('li') ?? []).map((li) => li.textContent)).toEqual(article.keyPoints);
    });
  });

  it('adds a read-more link to the source when the url is known', async () => {
    const { html } = await renderEdition(sampleEdition, strict);
    const readMore = Array.from(documentOf(html).querySelectorAll('a')).filter((a) => a.textContent?.startsWith('閱讀全文'));
    expect(readMore.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/news/ai-talent', 'https://example.org/2025/07/ai-researchers']);
    expect(readMore[0]?.getAttribute('aria-label')).toBe('閱讀全文：頂尖 AI 人才為何選擇出走');
  });

  it('links unsubscribe and preferences to the per-reader placeholders, once each', async () => {
    const { html } = await renderEdition(sampleEdition, strict);
    const doc = documentOf(html);
    const unsubscribe = doc.querySelectorAll(`a[href="${PLACEHOLDERS.unsubscribeUrl}"]`);
    expect(unsubscribe).toHaveLength(1);
    expect(unsubscribe[0]?.textContent).toBe('取消訂閱');
    expect(doc.querySelectorAll(`a[href="${PLACEHOLDERS.preferencesUrl}"]`)).toHaveLength(1);
    expect(occurrences(html, PLACEHOLDERS.unsubscribeUrl)).toBe(1);
  });

  it('prints why the reader gets this and the postal address in the footer', async () => {
    const { html } = await renderEdition(sampleEdition, strict);
    const text = documentOf(html).body.textContent ?? '';
    expect(text).toContain('您收到這封信，是因為您訂閱了《AI 人才週報》。');
    expect(text).toContain(sampleEdition.postalAddress);
  });

  it.each([
    ['zh-Hant', '取消訂閱', '閱讀全文', '重點'],
    ['zh-Hans', '取消订阅', '阅读全文', '要点'],
    ['en', 'Unsubscribe', 'Read more', 'Key points'],
  ] as const)('speaks %s in the template words', async (language, unsubscribe, readMore, keyPoints) => {
    const { html, text } = await renderEdition({ ...sampleEdition, language }, strict);
    const doc = documentOf(html);
    expect(doc.querySelector(`a[href="${PLACEHOLDERS.unsubscribeUrl}"]`)?.textContent).toBe(unsubscribe);
    expect(doc.querySelector('h2 + p')?.textContent).toBe(keyPoints);
    expect(Array.from(doc.querySelectorAll('a')).some((a) => a.textContent?.startsWith(readMore))).toBe(true);
    expect(text).toContain(unsubscribe);
  });

  it('builds the plain-text part from the model', async () => {
    const { text } = await renderEdition(sampleEdition, strict);
    const lines = text.split('\n');
    expect(lines[0]).toBe('AI 人才週報');
    expect(lines[1]).toBe('2025年7月14日');
    for (const article of sampleEdition.articles) expect(lines).toContain(article.title);
    expect(lines).toContain('- Meta 以超過 2 億美元的薪酬方案，延攬蘋果基礎模型團隊負責人龐若鳴。');
    expect(lines).toContain('- 繁瑣的報批流程消耗研究者的精力。');
    expect(lines).toContain('閱讀全文：https://example.com/news/ai-talent');
    expect(lines).toContain(`取消訂閱：${PLACEHOLDERS.unsubscribeUrl}`);
    expect(lines).toContain(`管理訂閱設定：${PLACEHOLDERS.preferencesUrl}`);
    expect(lines).toContain(sampleEdition.postalAddress);
    expect(text).not.toMatch(/<[a-z]/i);
  });

  it('keeps every plain-text line within 76 columns except unbreakable URLs', async () => {
    const long = '這是一個很長的重點，'.repeat(12);
    const model = withArticles([{ id: 'x', title: 'T', keyPoints: [long, 'word '.repeat(40).trim()], location: 'x' }]);
    const { text } = await renderEdition(model, strict);
    for (const line of text.split('\n')) {
      const width = [...line].reduce((sum, ch) => sum + (/[\u3000-\u9fff\uff00-\uff60]/.test(ch) ? 2 : 1), 0);
      expect(width, line).toBeLessThanOrEqual(76);
    }
  });

  it('escapes hostile article text instead of running it', async () => {
    const model = withArticles([
      {
        id: 'evil',
        title: '<script>alert(1)</script>',
        keyPoints: ['"><img src=x onerror=alert(1)>', "it's <b>bold</b> & fine"],
        url: 'https://example.com/?q="><script>alert(2)</script>',
        location: 'x',
      },
    ]);
    const { html } = await renderEdition(model, strict);
    const doc = documentOf(html);
    expect(doc.querySelectorAll('script')).toHaveLength(0);
    expect(doc.querySelectorAll('img')).toHaveLength(0);
    expect(doc.querySelectorAll('[onerror]')).toHaveLength(0);
    expect(doc.querySelectorAll('li b')).toHaveLength(0);
    expect(doc.querySelector('h2')?.textContent).toBe('<script>alert(1)</script>');
    expect(Array.from(doc.querySelectorAll('li')).map((li) => li.textContent)).toEqual(model.articles[0]?.keyPoints);
  });

  it('keeps titles, key points, intro and subject that close their element as text in the mail', async () => {
    const model = hostileEdition(testNewsletters()[1]!, START);
    const { html, subject } = await renderEdition(model, strict);
    expect(subject).toBe(model.subject);
    // The title element ends at the first `</title>`: all of the subject must come before it, escaped.
    expect(/<title>([^<]*)<\/title>/.exec(html)?.[1]).toContain('&lt;/title&gt;&lt;meta http-equiv=refresh');
    expect(html).not.toMatch(/<meta[^>]*refresh/i);
    expect(html).not.toMatch(/<[a-z]+ id=injected/i);
    const doc = documentOf(html);
    expect(doc.querySelector('title')?.textContent).toBe(model.subject);
    expect(Array.from(doc.querySelectorAll('h2'), (h) => h.textContent)).toEqual(model.articles.map((a) => a.title));
    expect(Array.from(doc.querySelectorAll('li'), (li) => li.textContent)).toEqual(model.articles.flatMap((a) => a.keyPoints));
    expect(doc.body.textContent).toContain(HOSTILE.intro);
  });

  it('does not turn a placeholder in article text into a live placeholder', async () => {
    const model = withArticles([
      {
        id: 'braces',
        title: `Click ${PLACEHOLDERS.unsubscribeUrl}`,
        keyPoints: [`See ${PLACEHOLDERS.preferencesUrl} and {{{unsubscribe_url}}}`],
        url: `https://example.com/?next=${PLACEHOLDERS.unsubscribeUrl}`,
        location: 'x',
      },
    ]);
    const subject = `News｜Click ${PLACEHOLDERS.unsubscribeUrl}`;
    const edition = await renderEdition({ ...model, subject, newsletterTitle: `News ${PLACEHOLDERS.unsubscribeUrl}` }, strict);
    const { html, text } = edition;
    expect(edition.subject).not.toContain('{{');
    expect(edition.subject.replaceAll('\u200B', '')).toBe(subject);
    expect(occurrences(html, PLACEHOLDERS.unsubscribeUrl)).toBe(1);
    expect(occurrences(html, PLACEHOLDERS.preferencesUrl)).toBe(1);
    expect(occurrences(text, PLACEHOLDERS.unsubscribeUrl)).toBe(1);
    expect(occurrences(text, PLACEHOLDERS.preferencesUrl)).toBe(1);
    // The reader still sees the braces as written.
    expect(documentOf(html).querySelector('h2')?.textContent).toBe(`Click ${PLACEHOLDERS.unsubscribeUrl}`);
  });

  it('strips bidi override and isolate characters from the subject, titles and key points', async () => {
    const bidi = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
    const model = withArticles([{ id: 'bidi', title: `Invoice${bidi}gpj.exe`, keyPoints: [`Open ${bidi}this`], location: 'x' }]);
    const edition = await renderEdition({ ...model, subject: `News｜Invoice\u202Egpj.exe` }, strict);
    expect(edition.subject).toBe('News｜Invoicegpj.exe');
    for (const part of [edition.html, edition.text]) expect(part).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/u);
    expect(documentOf(edition.html).querySelector('h2')?.textContent).toBe('Invoicegpj.exe');
  });

  it('does not link javascript: or other unsafe urls', async () => {
    const model = withArticles([
      { id: 'js', title: 'Script link', keyPoints: ['a'], url: 'javascript:alert(1)', location: 'x' },
      { id: 'data', title: 'Data link', keyPoints: ['b'], url: 'data:text/html,<script>alert(1)</script>', location: 'x' },
    ]);
    const { html, text } = await renderEdition({ ...model, webUrl: ' JavaScript:alert(1)' }, strict);
    const doc = documentOf(html);
    for (const heading of Array.from(doc.querySelectorAll('h2'))) expect(heading.querySelector('a')).toBeNull();
    const hrefs = Array.from(doc.querySelectorAll('a')).map((a) => a.getAttribute('href') ?? '');
    expect(hrefs.filter((href) => !href.startsWith('{{'))).toEqual([]);
    expect(text).not.toMatch(/javascript:|data:/i);
  });

  it("stays under Gmail's 102 KB clipping limit with 10 articles of 8 long key points", async () => {
    const keyPoint = (i: number, j: number): string =>
      `第 ${i + 1} 篇第 ${j + 1} 點：${'人工智慧研究人才的流動，反映的不只是薪酬差距，更是研究自由、算力資源與行政負擔的綜合比較。'.repeat(3)}`;
    const articles = Array.from({ length: 10 }, (_, i) => ({
      id: `a${i}`,
      title: `第 ${i + 1} 篇：全球 AI 人才競爭進入白熱化，頂尖研究者的去留牽動產業版圖`,
      keyPoints: Array.from({ length: 8 }, (_, j) => keyPoint(i, j)),
      url: `https://example.com/news/2025/07/14/ai-talent-competition-article-${i + 1}?utm_source=newsletter`,
      location: 'x',
    }));
    const { html } = await renderEdition(withArticles(articles), strict);
    const bytes = Buffer.byteLength(html);
    console.info(`10 articles x 8 key points (${[...keyPoint(0, 0)].length} characters each): ${bytes} bytes of HTML`);
    expect(documentOf(html).querySelectorAll('li')).toHaveLength(80);
    expect(bytes).toBeLessThan(102 * 1024);
  });

  it('reads templates from options.templatesDir and reports MJML problems as a RenderError with details', async () => {
    const source = fileURLToPath(new URL('../../templates/', import.meta.url));
    const dir = await mkdtemp(path.join(tmpdir(), 'templates-'));
    await mkdir(path.join(dir, 'partials'));
    for (const name of ['head', 'header', 'article', 'key-point', 'footer']) {
      await writeFile(path.join(dir, 'partials', `${name}.mjml`), await readFile(path.join(source, 'partials', `${name}.mjml`)));
    }
    const digest = await readFile(path.join(source, 'digest.mjml'), 'utf8');
    // mj-text directly in mj-section is invalid MJML.
    await writeFile(path.join(dir, 'digest.mjml'), digest.replace('{{{footer}}}', '{{{footer}}}<mj-section><mj-text>x</mj-text></mj-section>'));

    for (const validationLevel of ['strict', 'soft'] as const) {
      const error = await renderEdition(sampleEdition, { templatesDir: dir, validationLevel }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RenderError);
      expect((error as RenderError).name).toBe('RenderError');
      // A template of one's own is named by its path, so its author knows which file to fix.
      expect((error as RenderError).template).toBe(path.join(dir, 'digest.mjml'));
      expect((error as RenderError).details.join('\n')).toContain('mj-text cannot be used inside mj-section');
    }
  });

  it('reports a missing template folder with its path', async () => {
    const error = await renderEdition(sampleEdition, { templatesDir: '/nonexistent/templates' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).message).toContain('/nonexistent/templates');
  });
});

/**
 * SpamAssassin's HTML_FONT_LOW_CONTRAST as Mail::SpamAssassin::HTML decides it: a text colour and
 * background colour stack over the elements it reads (body font table tr th td span p div a), fed
 * by `color`/`bgcolor`/`text` attributes and the style's `color`, `background-color` and
 * `background` colours (the body's style is not read); text whose colour is nearer than 12 to its
 * background (distance weighted 0.2126/0.7152/0.0722 by channel) trips the rule. Older releases
 * compare the colours before they look at `display:none`, so hidden text is checked too.
 */
function lowContrastTexts(html: string): string[] {
  const TEXT_STYLE = new Set(['body', 'font', 'table', 'tr', 'th', 'td', 'span', 'p', 'div', 'a']);
  const STYLED = new Set(['table', 'td', 'th', 'tr', 'span', 'p', 'div', 'a']);
  const found: string[] = [];
  const rgb = (value: string | undefined): [number, number, number] | undefined => {
    const v = value?.trim().toLowerCase();
    if (!v) return undefined;
    if (v === 'white') return [255, 255, 255];
    if (v === 'black') return [0, 0, 0];
    const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(v);
    if (long) return [parseInt(long[1]!, 16), parseInt(long[2]!, 16), parseInt(long[3]!, 16)];
    const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(v);
    if (short) return [parseInt(short[1]!.repeat(2), 16), parseInt(short[2]!.repeat(2), 16), parseInt(short[3]!.repeat(2), 16)];
    return undefined;
  };
  const walk = (node: Node, fg: [number, number, number], bg: [number, number, number]): void => {
    if (node.nodeType === 3) {
      const text = (node.textContent ?? '').replace(/[\s\u00a0\u200c]|\u034f/g, '');
      const [r, g, b] = [fg[0] - bg[0], fg[1] - bg[1], fg[2] - bg[2]];
      if (text && Math.hypot(0.2126 * r, 0.7152 * g, 0.0722 * b) < 12) found.push(text.slice(0, 40));
      return;
    }
    if (node.nodeType !== 1) return;
    const element = node as Element;
    const tag = element.tagName.toLowerCase();
    if (tag === 'style' || tag === 'script' || tag === 'head' || tag === 'title') return;
    if (TEXT_STYLE.has(tag)) {
      fg = rgb(element.getAttribute('color') ?? element.getAttribute('text') ?? undefined) ?? fg;
      bg = rgb(element.getAttribute('bgcolor') ?? undefined) ?? bg;
      if (STYLED.has(tag)) {
        for (const part of (element.getAttribute('style') ?? '').split(';')) {
          const [name, value] = [part.slice(0, part.indexOf(':')).trim().toLowerCase(), part.slice(part.indexOf(':') + 1).replace(/!important/i, '')];
          if (name === 'color') fg = rgb(value) ?? fg;
          if (name === 'background-color') bg = rgb(value) ?? bg;
          if (name === 'background') bg = value.split(/\s+/).map(rgb).find(Boolean) ?? bg;
        }
      }
    }
    for (const child of Array.from(element.childNodes)) walk(child, fg, bg);
  };
  walk(documentOf(html).body, [0, 0, 0], [255, 255, 255]);
  return found;
}
