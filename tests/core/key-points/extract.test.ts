import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanArticle } from '../../../functions/core/articles/clean.js';
import { EmbeddedKeyPointExtractor } from '../../../functions/adapters/key-points/embedded-key-point-extractor.js';
import { leansOnBefore } from '../../../functions/core/key-points/commentary.js';
import { extractKeyPoints, fittedCount } from '../../../functions/core/key-points/extract.js';
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
    expect(
      paragraphs.some((p) => p.includes(point)),
      point,
    ).toBe(true);
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

/** A news story whose informative sentences open with 這 or 他們, pointing back at the sentence before. */
const traditional: Pick<Article, 'title' | 'paragraphs' | 'language'> = {
  title: '台北捷運環狀線北段動工',
  language: 'zh-Hant',
  paragraphs: [
    '台北市政府今天宣布，捷運環狀線北段工程正式動工，總經費約680億元，預計2032年完工通車。',
    '這條路線全長14.9公里，共設12座車站，其中8座為地下車站，將串連士林、北投與內湖。',
    '交通局估計，通車後每天可運送旅客15萬人次，沿線通勤時間平均縮短25分鐘。',
    '內湖科技園區約有5000家公司、15萬名員工。他們每天上下班時，內湖路段車流量超過每小時8000輛。',
    '這使得內湖成為全市塞車最嚴重的地區，尖峰時段車速不到每小時15公里。',
    '市府表示，環狀線北段通車後，預計可減少內湖地區20%的汽車流量。',
    '不過，部分里長擔心施工期間的噪音與交通管制，要求市府加強溝通。',
    '捷運局承諾，每個工區都會設置噪音監測站，並在官網即時公布數據。',
    '工程分為6個標案，其中3個標案已在今年3月決標，得標廠商包括國內外7家營造公司。',
    '捷運局也表示，北段與既有的淡水信義線、文湖線共有4座轉乘車站。',
    '他們估計，轉乘站啟用後每年可增加運量3000萬人次，票收增加約9億元。',
    '市議員則提醒，過去環狀線第一階段曾因鋼梁品質問題延宕兩年，預算追加超過100億元。',
    '捷運局回應，這次將引進第三方驗證機構，每季公開檢驗報告。',
    '專家認為，環狀線完成後，台北捷運路網將更接近國際大城市的網格結構。',
  ],
};

describe('extractKeyPoints', () => {
  describe('on the sample article', () => {
    const { keyPoints, reason } = extractKeyPoints(sample, { max: 8 });
    const some = (pattern: RegExp): boolean => keyPoints.some((p) => pattern.test(p));

    it('gives at most seven points within max 8, each a sentence of the article, in article order', () => {
      expect(reason).toBeUndefined();
      expect(keyPoints.length).toBeGreaterThanOrEqual(5);
      expect(keyPoints.length).toBeLessThanOrEqual(7);
      expectSentencesInOrder(keyPoints, sample.paragraphs);
    });

    it('keeps the real headline as the title', () => {
      expect(sample.title).toBe('年薪14.1億，華人AI頂級專家被美高價挖走，中方關鍵技術壓力升級');
    });

    it('covers the offers and departures with their figures, the TSMC example, what is lost, and the response', () => {
      expect(some(/2億|8名/), 'the offers and departures with their figures').toBe(true);
      expect(some(/臺積電|羅唯仁/), 'the TSMC example').toBe(true);
      expect(some(/羅唯仁|經驗|方法論|技術失血/), 'what is lost when people leave').toBe(true);
      expect(some(/騰訊/), 'what companies are doing').toBe(true);
      expect(some(/高校/), 'what universities are doing').toBe(true);
    });

    it('covers why money is not the whole story and what returnees bring back', () => {
      // 行政流程 and 缺氧 name the bureaucracy; 軟性制度 is the same point ("not short of funds, but the
      // unseen institutions are full of thorns").
      expect(some(/缺氧|行政流程|軟性制度/), 'why money is not the whole story').toBe(true);
      expect(some(/回流|回國|帶土移植/), 'what returnees bring back').toBe(true);
    });

    it('leaves out rhetorical lead-ins and the closing line', () => {
      for (const weak of ['你要說搶人，這邊的互聯網大廠和頂級實驗室也是敢下血本的。', '現在的焦慮，某種程度上也是一種成長的陣痛。']) {
        expect(keyPoints).not.toContain(weak);
      }
      // The lead-in to Tencent's contest only comes with the sentence that says what Tencent did.
      expect(keyPoints).not.toContain('看看最近騰訊的一系列操作，就能嗅出那種急迫的味道。');
      expect(some(/騰訊.*獎金池砸下去360萬/u), 'Tencent with what it did').toBe(true);
      const closing = sample.paragraphs.slice(-3).join('\n');
      for (const point of keyPoints) expect(closing).not.toContain(point);
      // Nor a point that opens by leaning on a sentence the reader has not seen ("他們…", "在那邊…").
      for (const point of keyPoints) expect(leansOnBefore(point), point).toBe(false);
    });

    it('does not open with the generic first sentence of a commentary, nor pick its rhetorical questions', () => {
      expect(keyPoints).not.toContain('2025年，一場圍繞AI頂尖人才的爭奪戰已進入白熱化。');
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

  it('picks English key points with figures', () => {
    const { keyPoints } = extractKeyPoints(english, { max: 3, count: 3 });
    expect(keyPoints).toHaveLength(3);
    expectSentencesInOrder(keyPoints, english.paragraphs);
    expect(keyPoints[0]).toContain('$40 million');
  });

  it('picks English news points without an unresolved "They"', () => {
    const { keyPoints } = extractKeyPoints(english, { max: 3, count: 3 });
    expect(keyPoints).toHaveLength(3);
    expect(keyPoints.some((p) => /^They\b/.test(p))).toBe(false);
  });

  it('picks Traditional Chinese key points without an unresolved 他們 or 這', () => {
    const { keyPoints } = extractKeyPoints(traditional, { max: 3, count: 3 });
    expect(keyPoints).toHaveLength(3);
    expectSentencesInOrder(keyPoints, traditional.paragraphs);
    expect(keyPoints[0]).toContain('680億元');
    for (const point of keyPoints) expect(point).not.toMatch(/^(?:他們|這)/u);
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
    const { keyPoints } = extractKeyPoints({ title: 'Budget', paragraphs, language: 'en' }, { max: 8, count: 8 });
    expect(keyPoints).toHaveLength(8);
    const at = keyPoints.map((p) => paragraphs.indexOf(p));
    expect(Math.min(...at)).toBeLessThan(10);
    expect(Math.max(...at)).toBeGreaterThanOrEqual(30);
    expect(keyPoints.some((p) => p.endsWith('?'))).toBe(false);
  });

  it("never puts the writer's question into a commentary point, not even joined to its answer", () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) =>
      i % 2 === 0
        ? `Should the city pay for repair number ${i}? It should, because the repair costs ${i + 2} million dollars less than a new road.`
        : `Engineers counted ${i * 3} cracks on road ${i}, and the council expects the work to take ${i} months.`,
    );
    const { keyPoints } = extractKeyPoints({ title: 'Roads', paragraphs, language: 'en' }, { max: 4, count: 4 });
    expect(keyPoints).toHaveLength(4);
    for (const point of keyPoints) expect(point).not.toContain('?');
  });

  it('gives a Chinese report a concise second point rather than a long sentence a little more likely', () => {
    const report: Pick<Article, 'title' | 'paragraphs' | 'language'> = {
      title: '台中市議會通過捷運藍線預算',
      language: 'zh-Hant',
      paragraphs: [
        '台中市議會今天三讀通過捷運藍線綜合規劃預算，總經費約1500億元，預計2030年動工。交通局表示，藍線全長約24公里，沿台灣大道從台中港延伸到干城，共設20座車站，完工後每日運量預估可達15萬人次。',
        '議員質詢時關切工程期間的交通衝擊。',
        '市府表示將分段施工以減少影響。',
        '市府計畫明年送交通部審議。',
      ],
    };
    const { keyPoints } = extractKeyPoints(report, { max: 3, count: 2 });
    expect(keyPoints).toEqual(['台中市議會今天三讀通過捷運藍線綜合規劃預算，總經費約1500億元，預計2030年動工。', '市府計畫明年送交通部審議。']);
  });

  it('picks Simplified Chinese key points', () => {
    const { keyPoints } = extractKeyPoints(simplified, { max: 3, count: 3 });
    expect(keyPoints).toHaveLength(3);
    expectSentencesInOrder(keyPoints, simplified.paragraphs);
    expect(keyPoints[0]).toContain('32公里');
  });

  it('never gives more points than max and fewer for a short article', () => {
    expect(extractKeyPoints(sample, { max: 2 }).keyPoints).toHaveLength(2);
    expect(extractKeyPoints({ ...english, paragraphs: english.paragraphs.slice(0, 2) }, { max: 8 }).keyPoints.length).toBeLessThanOrEqual(2);
  });

  it('gives exactly count points where the article has that many usable sentences, even above max', () => {
    expect(extractKeyPoints(english, { max: 3, count: 6 }).keyPoints).toHaveLength(6);
    expect(extractKeyPoints(sample, { max: 8, count: 1 }).keyPoints).toHaveLength(1);
    expect(extractKeyPoints({ ...english, paragraphs: english.paragraphs.slice(0, 2) }, { max: 8, count: 5 }).keyPoints).toHaveLength(2);
  });

  it('chooses the number of points from the line fitted on length, within max, not one per five sentences', () => {
    // The corpus fit (ln words) gives 2 points to a 300-word story and 3 to a 1,500-word feature,
    // however few (long) sentences it has; 20 sentences no longer means 4.
    expect(fittedCount({ words: 300, usable: 12 })).toBe(2);
    expect(fittedCount({ words: 1500, usable: 14 })).toBe(3);
    expect(extractKeyPoints(english, { max: 8 }).keyPoints).toHaveLength(2);
    expect(fittedCount({ words: 1200, usable: 56 }, 1)).toBe(7);
  });

  it('drops nothing for a short article', () => {
    expect(extractKeyPoints({ ...english, paragraphs: english.paragraphs.slice(0, 2) }, { max: 8 }).keyPoints.length).toBeLessThanOrEqual(2);
  });

  it('never joins two quotations into one point', () => {
    const paragraphs = [
      'The city council voted on Tuesday to close the old library on Main Street next spring.',
      '"We have no choice." "The roof is failing," said the mayor, Ana Lopez, at the meeting.',
      '"It is a sad day." "My children learned to read there," said a parent who attended.',
    ];
    const { keyPoints } = extractKeyPoints({ title: 'Library to close', paragraphs, language: 'en' }, { max: 3, count: 3 });
    for (const point of keyPoints) expect(point.match(/"[^"]*"/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('gives a one-sentence article that sentence as its only point', () => {
    const one = 'The council approved the budget on Tuesday by seven votes to two.';
    expect(extractKeyPoints({ title: 'Budget approved', paragraphs: [one], language: 'en' }, { max: 8 })).toEqual({ keyPoints: [one] });
  });

  it('gives no point, with a reason, for a one-line fragment', () => {
    const result = extractKeyPoints({ title: 'x', paragraphs: ['Click'], language: 'en' }, { max: 8 });
    expect(result).toEqual({ keyPoints: [], reason: 'the article has no complete sentence to use as a key point' });
  });

  it('gives no point, with a reason, for an empty article', () => {
    expect(extractKeyPoints({ title: '', paragraphs: [] }, { max: 8 })).toEqual({ keyPoints: [], reason: 'the article has no text' });
    expect(extractKeyPoints({ title: 't', paragraphs: ['   ', ''] }, { max: 8 })).toEqual({ keyPoints: [], reason: 'the article has no text' });
  });

  it('gives no point, with a reason, for binary data', () => {
    expect(extractKeyPoints({ title: 't', paragraphs: ['\u0000\u0001\u0002PNG\u0000'] }, { max: 8 })).toEqual({
      keyPoints: [],
      reason: expect.stringMatching(/binary/),
    });
    const controls = Array.from({ length: 200 }, (_, i) => String.fromCharCode(1 + (i % 8))).join('');
    expect(extractKeyPoints({ title: 't', paragraphs: [`${controls} almost text.`] }, { max: 8 })).toEqual({
      keyPoints: [],
      reason: expect.stringMatching(/binary/),
    });
  });

  it('gives no point, with a reason, when none are asked for or the input is malformed', () => {
    expect(extractKeyPoints(english, { max: 0 })).toEqual({ keyPoints: [], reason: expect.stringMatching(/max < 1/) });
    expect(extractKeyPoints(english, { max: Number.NaN })).toEqual({ keyPoints: [], reason: expect.stringMatching(/max < 1/) });
    const broken = { title: 't', paragraphs: null } as unknown as Pick<Article, 'title' | 'paragraphs'>;
    expect(extractKeyPoints(broken, { max: 3 })).toEqual({ keyPoints: [], reason: expect.any(String) });
  });

  it('picks eight points from a 1 MB article, in article order', () => {
    // Speed is measured by `npm run bench`; here only the outcome counts.
    const paragraphs = Array.from({ length: 5000 }, (_, i) => `${sample.paragraphs[i % sample.paragraphs.length]!}第${i}段。`);
    expect(Buffer.byteLength(paragraphs.join(''), 'utf8')).toBeGreaterThan(1_000_000);
    const result = extractKeyPoints({ ...sample, paragraphs }, { max: 8, count: 8 });
    expect(result.reason).toBeUndefined();
    expect(result.keyPoints).toHaveLength(8);
    expectSentencesInOrder(result.keyPoints, paragraphs);
  });

  it('picks points from a 1 MB article that is a single paragraph', () => {
    const story = english.paragraphs.join(' ');
    const paragraph = Array.from({ length: Math.ceil(1_000_000 / story.length) }, () => story).join(' ');
    expect(paragraph.length).toBeGreaterThan(1_000_000);
    const result = extractKeyPoints({ title: 't', paragraphs: [paragraph], language: 'en' }, { max: 5, count: 5 });
    expect(result.reason).toBeUndefined();
    expect(result.keyPoints).toHaveLength(5);
    for (const point of result.keyPoints) expect(story).toContain(point);
  });
});

describe('EmbeddedKeyPointExtractor', () => {
  it('is named embedded and resolves to the same points as extractKeyPoints', async () => {
    const extractor = new EmbeddedKeyPointExtractor();
    expect(extractor.name).toBe('embedded');
    await expect(extractor.extract(english, { max: 3 })).resolves.toEqual(extractKeyPoints(english, { max: 3 }));
  });
});
