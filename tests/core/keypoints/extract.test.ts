import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanArticle } from '../../../functions/core/articles/clean.js';
import { EmbeddedKeyPointExtractor } from '../../../functions/core/keypoints/embedded-key-point-extractor.js';
import { extractKeyPoints } from '../../../functions/core/keypoints/extract.js';
import type { Article } from '../../../functions/core/article.js';

const samplePath = fileURLToPath(new URL('../../../articles/ai-talent-article.txt', import.meta.url));
const cleaned = cleanArticle({ location: samplePath, format: 'text', body: readFileSync(samplePath, 'utf8') });
if (!cleaned.ok) throw new Error(cleaned.reason);
const sample = cleaned.article;

/** Each point is a piece of one paragraph, and the points follow the article's order. */
function expectSentencesInOrder(points: readonly string[], paragraphs: readonly string[]): void {
  const text = paragraphs.join('\n');
  let from = 0;
  for (const point of points) {
    expect(paragraphs.some((p) => p.includes(point)), point).toBe(true);
    const at = text.indexOf(point, from);
    expect(at, `"${point}" is out of article order`).toBeGreaterThanOrEqual(from);
    from = at + point.length;
  }
}

const english: Pick<Article, 'title' | 'paragraphs' | 'language'> = {
  title: 'City council approves bridge repairs',
  language: 'en',
  paragraphs: [
    'The city council voted 7-2 on Tuesday to spend $40 million repairing the Riverside Bridge, which has been closed since March.',
    'Engineers found cracks in two of the bridge supports during a routine inspection in the spring.',
    'They said the bridge was not safe for heavy trucks.',
    'Mayor Ana Lopez said the repairs would start in June and take about eight months.',
    'Local shop owners said the closure had cut their sales by a third.',
    '"We have waited long enough," said Tom Reed, who runs a bakery near the bridge.',
    'The money will come from a state infrastructure grant and a city bond approved by voters last year.',
    'The two council members who voted against the plan said a new bridge would be cheaper in the long run.',
    'A public meeting on the construction schedule will be held next week at City Hall.',
    'Residents can also send questions to the council by email before the meeting.',
  ],
};

const simplified: Pick<Article, 'title' | 'paragraphs' | 'language'> = {
  title: '城市地铁新线开通',
  language: 'zh-Hans',
  paragraphs: [
    '本市地铁5号线今天正式开通运营,全长32公里,共设22座车站。',
    '这条线路连接城市东部的新区和西部的老城区,预计每天运送乘客40万人次。',
    '市交通局表示,新线开通后,东西两区之间的通勤时间将从一个半小时缩短到40分钟。',
    '不少市民一早就来到车站体验,有人专门从郊区赶来。',
    '他们说,过去坐公交车上班要换乘两次,现在一趟地铁就能到。',
    '交通局还宣布,开通首月所有车站实行票价八折优惠。',
    '专家认为,新线将带动沿线商业发展,但也提醒要注意早晚高峰的客流压力。',
    '按照规划,6号线和7号线将在2027年前陆续建成。',
  ],
};

describe('extractKeyPoints', () => {
  describe('on the sample article', () => {
    const { keyPoints, reason } = extractKeyPoints(sample, { max: 8 });

    it('gives at most eight points, each a sentence of the article, in article order', () => {
      expect(reason).toBeUndefined();
      expect(keyPoints.length).toBeGreaterThanOrEqual(5);
      expect(keyPoints.length).toBeLessThanOrEqual(8);
      expectSentencesInOrder(keyPoints, sample.paragraphs);
    });

    it('covers what an editor would list: offers and departures, why money is not all, what is lost, the response', () => {
      const some = (pattern: RegExp): boolean => keyPoints.some((p) => pattern.test(p));
      expect(some(/2億|8名/), 'the offers and departures with their figures').toBe(true);
      expect(some(/缺氧|行政流程/), 'why money is not the whole story').toBe(true);
      expect(some(/羅唯仁|經驗|方法論|技術失血/), 'what is lost when people leave').toBe(true);
      expect(some(/騰訊/), 'what companies are doing').toBe(true);
      expect(some(/高校/), 'what universities are doing').toBe(true);
    });

    it('does not open with the generic first sentence of a commentary, nor pick its rhetorical questions', () => {
      expect(keyPoints).not.toContain('2025年,一場圍繞AI頂尖人才的爭奪戰已進入白熱化。');
      for (const point of keyPoints) expect(point).not.toMatch(/[?？]$/u);
    });

    it('shows no junk, no pinyin and not the title again', () => {
      for (const point of keyPoints) {
        expect(point).not.toMatch(/!\[|關注|點擊|編輯[:：]|特別聲明|Notice:|<\/?strong>|\uFFFD/);
        expect(point).not.toMatch(/[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]/u);
        expect(point).not.toContain(sample.title);
      }
    });

    it('gives the same points every time', () => {
      expect(extractKeyPoints(sample, { max: 8 }).keyPoints).toEqual(keyPoints);
    });
  });

  it('picks English key points with figures and without an unresolved "They"', () => {
    const { keyPoints } = extractKeyPoints(english, { max: 3 });
    expect(keyPoints).toHaveLength(3);
    expectSentencesInOrder(keyPoints, english.paragraphs);
    expect(keyPoints[0]).toContain('$40 million');
    expect(keyPoints.some((p) => /^They\b/.test(p))).toBe(false);
  });

  it('keeps the lead of a news story, even with many points', () => {
    const { keyPoints } = extractKeyPoints(english, { max: 8 });
    expect(keyPoints[0]).toContain('$40 million');
  });

  it('spreads many points over the whole of a commentary', () => {
    const paragraphs = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 3
        ? `Why should anyone care about topic ${i}?`
        : `Section ${i} explains that the city budget for item ${i * 7} grew by ${i + 3} percent because costs rose.`,
    );
    const { keyPoints } = extractKeyPoints({ title: 'Budget', paragraphs, language: 'en' }, { max: 8 });
    expect(keyPoints).toHaveLength(8);
    const at = keyPoints.map((p) => paragraphs.indexOf(p));
    expect(Math.min(...at)).toBeLessThan(10);
    expect(Math.max(...at)).toBeGreaterThanOrEqual(30);
    expect(keyPoints.some((p) => p.endsWith('?'))).toBe(false);
  });

  it('picks Simplified Chinese key points', () => {
    const { keyPoints } = extractKeyPoints(simplified, { max: 3 });
    expect(keyPoints).toHaveLength(3);
    expectSentencesInOrder(keyPoints, simplified.paragraphs);
    expect(keyPoints[0]).toContain('32公里');
  });

  it('never gives more points than max and fewer for a short article', () => {
    expect(extractKeyPoints(sample, { max: 2 }).keyPoints).toHaveLength(2);
    expect(extractKeyPoints({ ...english, paragraphs: english.paragraphs.slice(0, 2) }, { max: 8 }).keyPoints.length).toBeLessThanOrEqual(2);
  });

  it('gives a one-sentence article that sentence as its only point', () => {
    const one = 'The council approved the budget on Tuesday by seven votes to two.';
    expect(extractKeyPoints({ title: 'Budget approved', paragraphs: [one], language: 'en' }, { max: 8 })).toEqual({ keyPoints: [one] });
  });

  it('gives no point, with a reason, for a one-line fragment', () => {
    const result = extractKeyPoints({ title: 'x', paragraphs: ['Click'], language: 'en' }, { max: 8 });
    expect(result.keyPoints).toEqual([]);
    expect(result.reason).toMatch(/sentence/);
  });

  it('gives no point, with a reason, for empty, binary or odd input', () => {
    expect(extractKeyPoints({ title: '', paragraphs: [] }, { max: 8 })).toEqual({ keyPoints: [], reason: expect.any(String) });
    expect(extractKeyPoints({ title: 't', paragraphs: ['\u0000\u0001\u0002PNG\u0000'] }, { max: 8 }).reason).toMatch(/binary/);
    expect(extractKeyPoints({ title: 't', paragraphs: ['   ', ''] }, { max: 8 }).keyPoints).toEqual([]);
    expect(extractKeyPoints(english, { max: 0 }).keyPoints).toEqual([]);
    expect(extractKeyPoints(english, { max: Number.NaN }).keyPoints).toEqual([]);
    const broken = { title: 't', paragraphs: null } as unknown as Pick<Article, 'title' | 'paragraphs'>;
    expect(() => extractKeyPoints(broken, { max: 3 })).not.toThrow();
  });

  it('handles a 1 MB article quickly', () => {
    const paragraphs = Array.from({ length: 5000 }, (_, i) => `${sample.paragraphs[i % sample.paragraphs.length]!}第${i}段。`);
    expect(Buffer.byteLength(paragraphs.join(''), 'utf8')).toBeGreaterThan(1_000_000);
    const started = performance.now();
    const { keyPoints } = extractKeyPoints({ ...sample, paragraphs }, { max: 8 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(keyPoints.length).toBe(8);
  });

  it('handles a 1 MB article that is a single paragraph', () => {
    const paragraph = english.paragraphs.join(' ').repeat(1_000_000 / 1000);
    expect(() => extractKeyPoints({ title: 't', paragraphs: [paragraph], language: 'en' }, { max: 5 })).not.toThrow();
  });
});

describe('EmbeddedKeyPointExtractor', () => {
  it('is named embedded and resolves to the same points as extractKeyPoints', async () => {
    const extractor = new EmbeddedKeyPointExtractor();
    expect(extractor.name).toBe('embedded');
    await expect(extractor.extract(english, { max: 3 })).resolves.toEqual(extractKeyPoints(english, { max: 3 }));
  });
});
