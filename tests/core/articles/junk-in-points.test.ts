import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanArticle } from '../../../functions/core/articles/clean.js';
import type { Article, RawArticle } from '../../../functions/core/article.js';
import { extractKeyPoints } from '../../../functions/core/key-points/extract.js';
import { buildEditionModel } from '../../../functions/core/edition.js';
import { withRepeatedSiteNames } from '../../../functions/core/articles/site-names.js';
import { testNewsletter } from '../../support/newsletters.js';

const newsletterFixture = () => testNewsletter({ id: 'port-weekly', title: 'Port Weekly' });

/**
 * Web junk that used to reach a key point or the preheader, on articles shaped like the pages real
 * sites serve (wire stories, a Taiwanese daily, a portal, a CNA story), with their chrome left in.
 */

function fixture(name: string, raw: Partial<RawArticle> = {}): Article {
  const body = readFileSync(new URL(`../../fixtures/articles/${name}`, import.meta.url), 'utf8');
  const result = cleanArticle({ location: name, format: name.endsWith('.md') ? 'markdown' : 'text', body, ...raw });
  if (!result.ok) throw new Error(result.reason);
  return result.article;
}

/** Every point the extractor could give (more than the article needs). */
const allPoints = (article: Article): string[] => extractKeyPoints(article, { max: 20, count: 20 }).keyPoints;
const firstPoint = (article: Article): string => extractKeyPoints(article, { max: 3 }).keyPoints[0]!;

describe('junk in key points', () => {
  it('takes the dateline off the first point and the preheader, keeping the sentence', () => {
    const strike = fixture('wire-port-strike.txt');
    expect(firstPoint(strike)).toMatch(/^Dockworkers at Britain's second-busiest container port walked out on Monday/);
    const model = buildEditionModel({
      newsletter: newsletterFixture(),
      articles: [{ id: strike.id, title: strike.title, keyPoints: extractKeyPoints(strike, { max: 3 }).keyPoints, location: strike.location }],
      now: new Date('2024-05-06T07:00:00Z'),
    });
    expect(model.preheader).toMatch(/^Dockworkers/);
    expect(firstPoint(fixture('wire-senate-bill.txt'))).toMatch(/^The Senate passed a \$1\.2 trillion spending package/);
    expect(firstPoint(fixture('feature-housing.md'))).toMatch(/^Tony Blair said on Tuesday/);
    expect(firstPoint(fixture('cna-budget.txt'))).toMatch(/^行政院會今天通過114年度/);
    expect(firstPoint(fixture('ltn-transit.txt'))).toMatch(/^台北市捷運局今天表示/);
  });

  it('removes a time stamp glued to the first sentence and a reporter line before a sentence', () => {
    const points = allPoints(fixture('portal-timestamp.txt'));
    expect(points[0]).toBe('鴻海今天公布第一季營收為新台幣1兆6443億元，年增22%，創歷年同期新高。');
    expect(points.join('')).not.toMatch(/13:37|本報記者/);
  });

  it('never makes a point of a photo caption or a correction note', () => {
    for (const name of ['wire-port-strike.txt', 'wire-senate-bill.txt', 'cna-budget.txt', 'ltn-transit.txt']) {
      for (const point of allPoints(fixture(name))) {
        expect(point).not.toMatch(/terraced houses|Photograph|amended|earlier version|Correction|編按|（圖／/);
      }
    }
  });

  it('gives a quotation over two sentences whole, never its second half alone', () => {
    const points = allPoints(fixture('ltn-transit.txt'));
    expect(points).toContain('他表示，局方已要求承包商提出趕工計畫，「目前最困難的是穿越基隆河底的區段。工程團隊預計在明年12月底前完成潛盾機進場。」');
    expect(points.filter((p) => p.startsWith('工程團隊'))).toEqual([]);
    const budget = allPoints(fixture('cna-budget.txt'));
    expect(budget.filter((p) => p.startsWith('預計總預算案'))).toEqual([]);
    const article = fixture('cna-budget.txt');
    for (const point of [...budget, ...points])
      expect([...article.paragraphs, ...fixture('ltn-transit.txt').paragraphs].some((p) => p.includes(point))).toBe(true);
  });

  it('prefers a sentence that stands alone to one that leans on the one before', () => {
    const points = extractKeyPoints(fixture('wire-port-strike.txt'), { max: 5, count: 5 }).keyPoints;
    expect(points.filter((p) => /^(?:The rest of the money|It also said)/.test(p))).toEqual([]);
    const transit = extractKeyPoints(fixture('ltn-transit.txt'), { max: 3, count: 3 }).keyPoints;
    expect(transit.filter((p) => /^他表示/.test(p))).toEqual([]);
    expect(transit).toContain('不少沿線居民對工期延宕表達不滿，里長聯誼會將於下週向市議會陳情。');
  });

  it("keeps a headline's attribution, and cuts only a name the source is known by", () => {
    expect(fixture('feature-housing.md').title).toBe('Abortion not a poll issue - Blair');
    expect(fixture('feature-housing.md', { siteNames: ['Blair'] }).title).toBe('Abortion not a poll issue');
    const [first] = withRepeatedSiteNames([
      { location: 'a', format: 'text', title: 'Port strike ends | Harbor Daily', body: 'The strike at the port ended on Friday after a deal.' },
      { location: 'b', format: 'text', title: 'Bridge reopens | Harbor Daily', body: 'The bridge reopened on Monday after repairs.' },
    ]).map((raw) => cleanArticle(raw));
    expect(first?.ok && first.article.title).toBe('Port strike ends');
  });
});
