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
    expect(model.subject).toBe('AI 人才週報｜拆牆（另有 1 篇）');
    expect(model.preheader).toBe('實驗室裡的一把蔥');
    expect(model.editionId).toBe(buildEditionModel({ newsletter: newsletter(), articles: [article('拆墻', ['x']), article('關于人才', ['y'])], now }).editionId);
  });

  it('cuts a long preheader at a word, never inside a figure', () => {
    // A plain slice to 140 characters would end in "raising €2".
    const point = 'The board approved a plan to expand the research programme across three new sites in Europe, Asia and Latin America next year, by raising €2.1 million in new funding.';
    const model = buildEditionModel({ newsletter: newsletter({ language: 'en', title: 'AI Weekly' }), articles: [article('Plan', [point])], now });
    expect([...model.preheader].length).toBeLessThanOrEqual(140);
    expect(model.preheader).toBe('The board approved a plan to expand the research programme across three new sites in Europe, Asia and Latin America next year, by raising…');
  });

  it('separates the newsletter title from the headline as each language writes it', () => {
    const titles = (['de', 'ja', 'ko'] as const).map(
      (language) => buildEditionModel({ newsletter: newsletter({ language, title: 'AI' }), articles: [article('X', ['p']), article('Y', ['q'])], now }).subject,
    );
    expect(titles).toEqual(['AI: X (+1 weitere)', 'AI｜X（ほか 1 本）', 'AI: X (외 1건)']);
  });
});
