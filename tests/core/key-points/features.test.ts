import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES, readArticle } from '../../../functions/core/key-points/features.js';

const feature = (name: (typeof FEATURE_NAMES)[number]): number => FEATURE_NAMES.indexOf(name);

describe('readArticle', () => {
  it('marks sentences that say when something happened, in English and Chinese', () => {
    const en = readArticle({
      title: '',
      language: 'en',
      paragraphs: ['The bridge closed on Monday after a crack was found. Engineers are worried about the steel.'],
    });
    expect(en.features.map((x) => x[feature('time expression')])).toEqual([1, 0]);
    const zh = readArticle({ title: '', language: 'zh-Hant', paragraphs: ['2025年6月至7月，Meta從OpenAI挖走至少8名核心成員。這件事引發熱議。'] });
    expect(zh.features.map((x) => x[feature('time expression')])).toEqual([1, 0]);
  });

  it('gives a sentence that repeats an earlier one less novelty than one that says something new', () => {
    const reading = readArticle({
      title: '',
      language: 'en',
      paragraphs: [
        'The council approved the new budget for schools.',
        'The budget for schools was approved by the council.',
        'Teachers will get new laptops next year.',
      ],
    });
    const novelty = reading.features.map((x) => x[feature('novelty')]!);
    expect(novelty[1]).toBeLessThan(0.5);
    expect(novelty[2]).toBeGreaterThan(0.9);
  });

  it('marks the last sentence of each paragraph', () => {
    const reading = readArticle({
      title: '',
      language: 'en',
      paragraphs: ['One thing happened here. Another thing followed it.', 'A third thing came later.'],
    });
    expect(reading.features.map((x) => x[feature('last in paragraph')])).toEqual([0, 1, 1]);
  });
});

describe('readArticle on Chinese news', () => {
  it("marks an agency opener and a statement put in someone's mouth", () => {
    const reading = readArticle({
      title: '保障房建设加快推进',
      paragraphs: ['央视网消息（新闻联播）：今年上半年，保障性住房建设取得积极进展。住房城乡建设部表示，全国已建设筹集保障性住房112.8万套。'],
      language: 'zh-Hans',
    });
    const flag = (name: (typeof FEATURE_NAMES)[number]): number[] => reading.features.map((x) => x[FEATURE_NAMES.indexOf(name)]!);
    expect(flag('news opener')).toEqual([1, 0]);
    expect(flag('speech opening')).toEqual([0, 1]);
    expect(reading.features.every((x) => x.length === FEATURE_NAMES.length)).toBe(true);
  });
});
