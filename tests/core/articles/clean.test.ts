import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanArticle } from '../../../functions/core/articles/clean.js';
import { closeTitle } from '../../../functions/core/articles/cleaning-rules.js';
import type { Article, RawArticle } from '../../../functions/core/article.js';

const samplePath = fileURLToPath(new URL('../../../articles/ai-talent-article.txt', import.meta.url));
const sampleBody = readFileSync(samplePath, 'utf8');

function clean(raw: Partial<RawArticle> & { body: string }): Article {
  const result = cleanArticle({ location: 'test.txt', format: 'text', ...raw });
  if (!result.ok) throw new Error(`expected the article to clean: ${result.reason}`);
  return result.article;
}

const JUNK = [/!\[/, /關注/, /点击|點擊/, /編輯[:：]/, /特別聲明/, /Notice:/, /<\/?strong>/, /\?\/strong/, /\uFFFD/];
const GLOSS = /[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]+[)）]/u;

describe('cleanArticle', () => {
  describe('on the sample article', () => {
    const article = clean({ location: 'articles/ai-talent-article.txt', body: sampleBody });
    const everything = [article.title, ...article.paragraphs];

    it('finds the real headline after the follow prompt and editor credit, without its final full stop', () => {
      expect(article.title).toBe('年薪14.1億，華人AI頂級專家被美高價挖走，中方關鍵技術壓力升級');
    });

    it('writes the punctuation between Chinese characters full-width, as an editor would', () => {
      expect(article.paragraphs).toContain(
        '龐若鳴跳槽的消息剛爆出來，朋友圈就跟炸了一樣。2025年7月9日，Bloomberg直接點名：Meta給了超2億美元大包，人沒離開美國，但中國AI圈子卻抖了三抖。',
      );
      for (const text of everything) expect(text).not.toMatch(/\p{Script=Han}[,:;?!]|[,:;?!]\p{Script=Han}/u);
    });

    it('leaves no prompts, credits, placeholders, disclaimers or stray tags', () => {
      for (const text of everything) for (const junk of JUNK) expect(text).not.toMatch(junk);
    });

    it('removes every pinyin gloss', () => {
      for (const text of everything) expect(text).not.toMatch(GLOSS);
      expect(article.paragraphs.join('')).toContain('關鍵技術');
    });

    it('drops the sentence that is still garbled and the lone tag letter', () => {
      const text = article.paragraphs.join('\n');
      expect(text).not.toContain('跑龍');
      expect(text).toContain('無論是在體育場上還是實驗室里這道理永遠是通用的。');
    });

    it('starts with the first real paragraph and keeps the headline out of the paragraphs', () => {
      expect(article.paragraphs[0]).toMatch(/^2025年，一場圍繞AI頂尖人才的爭奪戰/);
      expect(article.paragraphs).not.toContain('年薪14.1億，華人AI頂級專家被美高價挖走，中方關鍵技術壓力升級。');
    });

    it('detects Traditional Chinese and gives a stable content-hash id', () => {
      expect(article.language).toBe('zh-Hant');
      expect(article.id).toMatch(/^[0-9a-f]{16}$/);
      expect(clean({ location: 'elsewhere.txt', body: sampleBody }).id).toBe(article.id);
    });
  });

  it('takes a markdown # heading as the title and strips markdown syntax', () => {
    const article = clean({
      format: 'markdown',
      body:
        '---\ntitle: x\n---\n# Bridge reopens after repairs\n\n![a photo](https://example.com/a.jpg)\n\n' +
        'The **city** reopened the [bridge](https://example.com) on Monday after\nthree months of repairs.\n\n' +
        'Traffic is expected to return to normal by Friday, officials said.\n',
    });
    expect(article.title).toBe('Bridge reopens after repairs');
    expect(article.paragraphs).toEqual([
      'The city reopened the bridge on Monday after three months of repairs.',
      'Traffic is expected to return to normal by Friday, officials said.',
    ]);
  });

  it('uses a good source title and drops the line that repeats it', () => {
    const article = clean({
      title: 'Council approves new budget',
      body: 'Council approves new budget\nThe council approved the budget on Tuesday by seven votes to two.',
    });
    expect(article.title).toBe('Council approves new budget');
    expect(article.paragraphs).toEqual(['The council approved the budget on Tuesday by seven votes to two.']);
  });

  it('ignores a source title that is only a file name', () => {
    const article = clean({
      title: 'budget-story.txt',
      body: 'Council approves new budget\nThe council approved the budget on Tuesday by seven votes to two.',
    });
    expect(article.title).toBe('Council approves new budget');
  });

  it('removes news datelines, teasers, share links, captions and copyright lines from English text', () => {
    const article = clean({
      body: [
        'WASHINGTON (CNN) -- The Senate passed the transport bill on Tuesday after a week of debate.',
        'Senators applaud after the vote in Washington',
        'The bill funds bridge repairs in all fifty states.  Watch senators debate the bill »',
        'It now goes to the House, where a vote is expected next month. E-mail to a friend',
        'Copyright 2007 Reuters. All rights reserved.',
      ].join('\n\n'),
    });
    expect(article.paragraphs).toEqual([
      'The Senate passed the transport bill on Tuesday after a week of debate.',
      'The bill funds bridge repairs in all fifty states.',
      'It now goes to the House, where a vote is expected next month.',
    ]);
    expect(article.title).toBe('The Senate passed the transport bill on Tuesday after a week of debate');
    expect(article.language).toBe('en');
  });

  it('drops the site name and a label from a title, never ending it inside a quote or bracket', () => {
    const body = 'The city reopened the bridge on Monday after three months of repairs.';
    expect(clean({ title: 'Bridge reopens after repairs | Harbor Daily', siteNames: ['Harbor Daily'], body }).title).toBe('Bridge reopens after repairs');
    expect(clean({ title: 'Bridge reopens after repairs — Harbor Daily', url: 'https://www.harbordaily.example/bridge', body }).title).toBe(
      'Bridge reopens after repairs',
    );
    expect(clean({ title: '法院判決出爐_網易新聞', siteNames: ['網易新聞'], body: '法院今天判決。' }).title).toBe('法院判決出爐');
    // A dash inside a long headline is not a site separator.
    expect(clean({ title: 'Biden - the man who would be president, a profile of a life in politics', body }).title).toBe(
      'Biden - the man who would be president, a profile of a life in politics',
    );
    expect(clean({ body: '内容提要：国务院批转社会保障规划纲要，提出要扩大覆盖面并提高待遇水平。\n第二段正文内容在这里继续。' }).title).toBe(
      '国务院批转社会保障规划纲要，提出要扩大覆盖面并提高待遇水平',
    );
    expect(clean({ body: '［提要］通知提出要扩大覆盖面。\n第二段。' }).title).toBe('通知提出要扩大覆盖面');
  });

  it('cuts a derived title before a quote it would end inside', () => {
    expect(closeTitle('柳冠中教授前陣子說了一句話“現在的科技圈，無人機也有了…')).toBe('柳冠中教授前陣子說了一句話…');
    expect(closeTitle('《新宿天鵝改編')).toBe('新宿天鵝改編');
    expect(closeTitle('他說“好”，然後離開')).toBe('他說“好”，然後離開');
  });

  it('treats html-format bodies (already converted to text) like text', () => {
    const article = clean({ format: 'html', body: '城市交通新規上路\n新規從下月起實施,違規停車的罰款提高到兩千元。</p>' });
    expect(article.title).toBe('城市交通新規上路');
    expect(article.paragraphs).toEqual(['新規從下月起實施，違規停車的罰款提高到兩千元。']);
  });

  it('drops duplicated lines and a related-articles tail', () => {
    const article = clean({
      body: '住房補貼新政策\n新政策今天公布,涉及三百萬戶家庭。\n新政策今天公布,涉及三百萬戶家庭。\n專家認為政策將在明年見效。\n相關閱讀\n另一篇文章的標題。',
    });
    expect(article.paragraphs).toEqual(['新政策今天公布，涉及三百萬戶家庭。', '專家認為政策將在明年見效。']);
  });

  it('leaves half-width punctuation in English articles and in articles of unknown language', () => {
    const english = clean({ body: 'The Taipei 101 tower,台北101, reopened on Monday after repairs: visitors queued from 08:30.' });
    expect(english.paragraphs).toEqual(['The Taipei 101 tower,台北101, reopened on Monday after repairs: visitors queued from 08:30.']);
    const japanese = clean({ body: '東京の新しい駅が開業した。\n駅長の田中,利用者が多いと話した。' });
    expect(japanese.paragraphs).toContain('駅長の田中,利用者が多いと話した。');
  });

  it('reports an empty article with its location', () => {
    const result = cleanArticle({ location: 'articles/empty.txt', format: 'text', body: '  \n\n ' });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('articles/empty.txt') });
  });

  it('reports binary data with its location', () => {
    const body = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0xff, 0x00]).toString('latin1');
    const result = cleanArticle({ location: 'articles/photo.png', format: 'text', body });
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/articles\/photo\.png.*binary/) });
  });

  it('reports an article that is only junk', () => {
    const result = cleanArticle({ location: 'feed:item-3', format: 'text', body: '編輯:果果\n![]()\nNotice: The content above is uploaded by a user.' });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('feed:item-3') });
  });

  describe('on hostile input', () => {
    afterEach(() => vi.restoreAllMocks());

    /** Records how long each text handed to the sentence segmenter is: V8 spends that long per sentence. */
    function watchSegmenter(): number[] {
      const lengths: number[] = [];
      const segment = Intl.Segmenter.prototype.segment;
      vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, input: string) {
        lengths.push(input.length);
        return segment.call(this, input);
      });
      return lengths;
    }

    const sentence = (i: number): string => `Sentence ${i} says the ferry runs on time, Mr. Lee said. `;

    it('never hands a 5 MB single-paragraph article to the segmenter whole, and keeps all its text', () => {
      const body = Array.from({ length: 90_000 }, (_, i) => sentence(i))
        .join('')
        .slice(0, 5 * 1024 * 1024);
      const lengths = watchSegmenter();
      const article = clean({ location: 'huge.txt', body: `${body.slice(0, 2000)}�${body.slice(2000)}` });
      expect(Math.max(...lengths)).toBeLessThanOrEqual(64 * 1024);
      expect(lengths.reduce((a, b) => a + b, 0)).toBeLessThan(3 * body.length);
      expect(article.paragraphs).toHaveLength(1);
      expect(article.paragraphs[0]).toContain(sentence(89_000).trim());
      expect(article.paragraphs[0]).not.toContain('\uFFFD');
    });

    it('drops exactly the damaged sentences of a long paragraph, as whole-text segmentation would', () => {
      const sentences = Array.from({ length: 1000 }, (_, i) => (i % 300 === 13 ? `Broken \uFFFD ${sentence(i)}` : sentence(i)));
      const body = sentences.join('');
      const expected = Array.from(new Intl.Segmenter('en', { granularity: 'sentence' }).segment(body), (s) => s.segment)
        .filter((s) => !s.includes('\uFFFD'))
        .join('')
        .trim();
      const article = clean({ location: 'long.txt', body });
      expect(article.paragraphs).toEqual([expected]);
    });
  });

  it('keeps an article with a few invalid UTF-8 bytes, dropping only the damaged sentence', () => {
    const bytes = Buffer.concat([
      Buffer.from('Ferry timetable changes\nThe summer timetable starts on 1 June. The caf'),
      Buffer.from([0xe9, 0xff, 0xfe]),
      Buffer.from(' on the pier opens at eight. Evening sailings are added on Fridays.'),
    ]);
    const article = clean({ location: 'latin1.txt', body: bytes.toString('utf8') });
    expect(article.title).toBe('Ferry timetable changes');
    expect(article.paragraphs).toEqual(['The summer timetable starts on 1 June. Evening sailings are added on Fridays.']);
  });

  it('still refuses NUL-heavy binary data that happens to decode', () => {
    const body = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(64), Buffer.from('text')]).toString('utf8');
    expect(cleanArticle({ location: 'articles/image.txt', format: 'text', body })).toEqual({ ok: false, reason: expect.stringMatching(/image\.txt.*binary/) });
  });

  it('cleans a 1 MB article without throwing', () => {
    const body = Array.from({ length: 12_000 }, (_, i) => `第${i}段:人才流動(liú)像水的循環,流出去的水終究會回流。`).join('\n');
    const result = cleanArticle({ location: 'big.txt', format: 'text', body });
    expect(result.ok).toBe(true);
  });
});
