import { describe, expect, it } from 'vitest';
import { splitSentences, tokenize } from '../../../functions/core/key-points/segment.js';

describe('splitSentences', () => {
  it('keeps opening marks with the sentence they open (ICU hands them to the previous one)', () => {
    expect(splitSentences('名单公布了。《新宿天鹅》改编自漫画。“好的。”他说。（完）', 'zh-Hans')).toEqual([
      '名单公布了。',
      '《新宿天鹅》改编自漫画。',
      '“好的。”',
      '他说。',
      '（完）',
    ]);
    expect(splitSentences('他走了。“我们赢了，”她说。【快讯】台风来了。「好」『對』', 'zh-Hans')).toEqual([
      '他走了。',
      '“我们赢了，”她说。',
      '【快讯】台风来了。',
      '「好」『對』',
    ]);
  });

  it('keeps English parentheses and quotes with their sentence and abbreviations inside one', () => {
    expect(splitSentences('He left. (The talks ended.) "We won," she said.', 'en')).toEqual(['He left.', '(The talks ended.)', '"We won," she said.']);
    expect(splitSentences('Gen. David Petraeus spoke. He left.', 'en')).toEqual(['Gen. David Petraeus spoke.', 'He left.']);
  });

  it('gives each sentence as a piece of the paragraph, and nothing for empty text', () => {
    const paragraph = '第一句。 （第二句）第三句！';
    for (const s of splitSentences(paragraph, 'zh-Hans')) expect(paragraph).toContain(s);
    expect(splitSentences('', 'en')).toEqual([]);
  });
});

describe('tokenize', () => {
  it('gives Han bigrams and stemmed English words without stop words', () => {
    expect(tokenize('The miners', 'en')).toEqual(['miner']);
    expect(tokenize('人才流失', 'zh-Hans')).toContain('人才');
  });
});
