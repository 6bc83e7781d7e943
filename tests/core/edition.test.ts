import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArticleDigest } from '../../functions/core/article.js';
import { parseConfig, type NewsletterConfig } from '../../functions/core/config.js';
import { buildEditionModel } from '../../functions/core/edition.js';

function newsletter(overrides: Partial<NewsletterConfig> = {}): NewsletterConfig {
  const parsed = parseConfig(JSON.parse(readFileSync(new URL('../../newsletter.config.json', import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error(`the bundled config does not parse: ${parsed.errors.join('; ')}`);
  const [first] = parsed.config.newsletters;
  if (!first) throw new Error('the bundled config has no newsletter');
  return { ...first, ...overrides };
}

const now = new Date('2025-07-14T00:00:00Z');
const article = (title: string, keyPoints: string[]): ArticleDigest => ({ id: title.slice(0, 8), title, keyPoints, location: 'articles/a.txt' });

describe('buildEditionModel', () => {
  it('converts titles and key points once, before the subject and preheader are taken from them', () => {
    const model = buildEditionModel({
      newsletter: newsletter(),
      articles: [article('拆墻', ['實驗室里的一把蔥']), article('關于人才', ['其二'])],
      now,
      convertText: (text) => text.replaceAll('墻', '牆').replaceAll('里', '裡').replaceAll('關于', '關於'),
    });
    expect(model.articles.map((a) => a.title)).toEqual(['拆牆', '關於人才']);
    expect(model.articles[0]?.keyPoints).toEqual(['實驗室裡的一把蔥']);
    expect(model.subject).toBe('AI人才週報｜拆牆（另有1篇）');
    expect(model.preheader).toBe('實驗室裡的一把蔥');
    expect(model.editionId).toBe(
      buildEditionModel({ newsletter: newsletter(), articles: [article('拆墻', ['x']), article('關于人才', ['y'])], now }).editionId,
    );
  });

  it('cuts a long preheader at a word, never inside a figure', () => {
    // A plain slice to 140 characters would end in "raising €2".
    const point =
      'The board approved a plan to expand the research programme across three new sites in Europe, Asia and Latin ' +
      'America next year, by raising €2.1 million in new funding.';
    const model = buildEditionModel({ newsletter: newsletter({ language: 'en', title: 'AI Weekly' }), articles: [article('Plan', [point])], now });
    expect([...model.preheader].length).toBeLessThanOrEqual(140);
    expect(model.preheader).toBe(
      'The board approved a plan to expand the research programme across three new sites in Europe, Asia and Latin America next year, by raising…',
    );
  });

  it('separates the newsletter title from the headline as each language writes it', () => {
    const titles = (['de', 'ja', 'ko'] as const).map(
      (language) => buildEditionModel({ newsletter: newsletter({ language, title: 'AI' }), articles: [article('X', ['p']), article('Y', ['q'])], now }).subject,
    );
    expect(titles).toEqual(['AI: X (+1 weitere)', 'AI｜X（ほか1本）', 'AI: X (외 1건)']);
  });

  it('keeps the subject within about 70 characters, the count of further articles included', () => {
    const headline = 'Researchers across three continents report that the newest language models still fail at long multi-step planning tasks';
    const articles = [article(headline, ['p']), ...['B', 'C', 'D', 'E', 'F'].map((t) => article(t, ['q']))];
    const { subject } = buildEditionModel({ newsletter: newsletter({ language: 'en', title: 'AI Weekly' }), articles, now });
    expect([...subject].length).toBeLessThanOrEqual(70);
    expect(subject).toMatch(/^AI Weekly: Researchers across .*… \(\+5 more\)$/);
  });

  it("gives a Chinese subject no whitespace, so SpamAssassin's SUBJ_ALL_CAPS does not read its Latin acronyms as shouting", () => {
    const headline = '年薪14.1億，華人AI頂級專家被美高價挖走，中方關鍵技術壓力升級';
    const { subject } = buildEditionModel({ newsletter: newsletter(), articles: [article(headline, ['p']), article('其二', ['q'])], now });
    expect(subject.startsWith('AI人才週報｜年薪14.1億')).toBe(true);
    expect(subjectIsAllCaps(subject)).toBe(false);
    // The rule as documented does fire on the subject as it used to be written.
    expect(subjectIsAllCaps(`AI 人才週報｜${headline}（另有 1 篇）`)).toBe(true);
    // An English subject keeps its spaces.
    expect(buildEditionModel({ newsletter: newsletter({ language: 'en', title: 'AI Weekly' }), articles: [article('New chips', ['p'])], now }).subject).toBe(
      'AI Weekly: New chips',
    );
  });
});

/**
 * SpamAssassin's SUBJ_ALL_CAPS (HeaderEval.pm, subject_is_all_caps): a subject of at least 10
 * characters with whitespace, whose ASCII letters are all capitals. A UTF-8 subject gets no
 * exemption (only legacy CJK charsets do).
 */
function subjectIsAllCaps(subject: string): boolean {
  const trimmed = subject.trim().replace(/^(?:(?:Re|Fwd|Fw|Aw|Antwort|WG|SV|VB|VS|VL):\s*)+/i, '');
  if (!/\s/u.test(trimmed)) return false;
  if (trimmed.length < 10) return false;
  const letters = trimmed.replace(/[^a-zA-Z]/g, '');
  return letters.length > 0 && letters === letters.toUpperCase();
}
