import { describe, expect, it } from 'vitest';
import { cleanArticle } from '../../../functions/core/articles/clean.js';
import type { ArticleFormat } from '../../../functions/core/article.js';
import { extractKeyPoints } from '../../../functions/core/key-points/extract.js';
import type { KeyPointResult } from '../../../functions/core/key-points/key-points.js';
import { CPU_BUDGET_SECONDS, cpuSeconds, fill, hostileArticles, MEGABYTE } from '../../support/hostile-text.js';

/** What the digest does with each article a source hands over: clean it, then choose its key points. */
function digestOne(body: string, format: ArticleFormat): KeyPointResult | undefined {
  const cleaned = cleanArticle({ location: 'hostile.txt', format, body });
  return cleaned.ok ? extractKeyPoints(cleaned.article, { max: 8 }) : undefined;
}

/** Just under the extractor's text cap (120,000 characters), where a paragraph is read whole. */
const UNDER_THE_CAP = 119_000;

describe('the key points of a hostile article', () => {
  for (const [name, body] of Object.entries(hostileArticles)) {
    for (const format of ['text', 'markdown'] as const) {
      it(`are chosen from ${name} (${format}) within ${CPU_BUDGET_SECONDS} s of CPU, cleaning included`, () => {
        let result: KeyPointResult | undefined;
        const seconds = cpuSeconds(() => (result = digestOne(body, format)));
        expect(result).toBeDefined();
        expect(seconds).toBeLessThan(CPU_BUDGET_SECONDS);
      });
    }
  }

  it('are none, with the reason, for a megabyte of Chinese without a full stop', () => {
    expect(digestOne(hostileArticles['unpunctuated Chinese']!, 'text')).toEqual({ keyPoints: [], reason: expect.stringMatching(/no complete sentence/) });
  });

  const CHINESE_SENTENCE = '流出去的人才終究會回流到這裡。';
  const underTheCap: Record<string, string> = {
    'very short Chinese sentences': fill(`${'好。'.repeat(50)}${CHINESE_SENTENCE}`, UNDER_THE_CAP),
    'very short English sentences': fill(`${'Go. '.repeat(50)}The talent that left came back home. `, UNDER_THE_CAP),
    'Chinese without a mark but a final full stop': `${fill('人才流失是一種技術失血', UNDER_THE_CAP)}。`,
    'English words without a full stop but the last': `${fill('talent flows ', UNDER_THE_CAP)}back.`,
    'initials that read as abbreviations': `${fill('A. ', UNDER_THE_CAP)}The talent came back home.`,
    'unclosed quotation marks': `${fill('“人才', UNDER_THE_CAP)}${CHINESE_SENTENCE}`,
    'opening brackets after each full stop': fill(`${CHINESE_SENTENCE}《`, UNDER_THE_CAP),
    'a run of opening brackets before a sentence': `${'《'.repeat(UNDER_THE_CAP - 100)}${CHINESE_SENTENCE}${CHINESE_SENTENCE}`,
    'line breaks after a sentence': `${CHINESE_SENTENCE}${'\n'.repeat(UNDER_THE_CAP - 100)}${CHINESE_SENTENCE}`,
  };
  for (const [name, paragraph] of Object.entries(underTheCap)) {
    it(`are chosen from a paragraph of ${name}, just under the text cap, within ${CPU_BUDGET_SECONDS} s of CPU`, () => {
      let result: KeyPointResult | undefined;
      const seconds = cpuSeconds(() => (result = extractKeyPoints({ title: '人才回流', paragraphs: [paragraph] }, { max: 8 })));
      expect(result?.keyPoints.length).toBeGreaterThan(0);
      for (const point of result!.keyPoints) expect(paragraph).toContain(point);
      expect(seconds).toBeLessThan(CPU_BUDGET_SECONDS);
    });
  }

  it(`are chosen from ten paragraphs of very short sentences, together just under the text cap, within ${CPU_BUDGET_SECONDS} s of CPU`, () => {
    const paragraphs = Array.from({ length: 10 }, () => fill(`${'好。'.repeat(50)}${CHINESE_SENTENCE}`, UNDER_THE_CAP / 10));
    let result: KeyPointResult | undefined;
    const seconds = cpuSeconds(() => (result = extractKeyPoints({ title: '人才回流', paragraphs }, { max: 8 })));
    expect(result?.keyPoints).toContain(CHINESE_SENTENCE);
    expect(seconds).toBeLessThan(CPU_BUDGET_SECONDS);
  });

  it('are chosen within the budget when the title is a megabyte, and still skip a sentence that repeats it', () => {
    const title = Array.from({ length: MEGABYTE }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20_000))).join('');
    const article = { title, paragraphs: [`${title.slice(0, 20)}。`, ...Array.from({ length: 300 }, (_, i) => `第${i}段：流出去的人才終究會回流到這裡。`)] };
    let result: KeyPointResult | undefined;
    const seconds = cpuSeconds(() => (result = extractKeyPoints(article, { max: 8 })));
    expect(result?.keyPoints.length).toBeGreaterThan(0);
    expect(result?.keyPoints).not.toContain(`${title.slice(0, 20)}。`);
    expect(seconds).toBeLessThan(CPU_BUDGET_SECONDS);
  });
});
