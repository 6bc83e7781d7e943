import { afterEach, describe, expect, it, vi } from 'vitest';
import { segmentsOf } from '../../functions/core/text-segments.js';
import { CPU_BUDGET_SECONDS, cpuSeconds, fill, MEGABYTE } from '../support/hostile-text.js';

const sentences = new Intl.Segmenter('zh', { granularity: 'sentence' });
const words = new Intl.Segmenter('en', { granularity: 'word' });

const whole = (segmenter: Intl.Segmenter, text: string) =>
  Array.from(segmenter.segment(text), ({ segment, index, isWordLike }) => ({ segment, index, isWordLike }));
const windowed = (segmenter: Intl.Segmenter, text: string) =>
  Array.from(segmentsOf(segmenter, text), ({ segment, index, isWordLike }) => ({ segment, index, isWordLike }));

const PROSE =
  '龐若鳴跳槽的消息剛爆出來，朋友圈就跟炸了一樣。2025年7月9日，Bloomberg直接點名：Meta給了超2億美元大包。“人都去哪兒了？”他問。The U.S. team, led by Dr. Lee, said: "We won." Gen. Petraeus agreed! ';

describe('segmentsOf', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives exactly the segments of the whole text for a paragraph or sentence of ordinary length', () => {
    expect(windowed(sentences, PROSE)).toEqual(whole(sentences, PROSE));
    expect(windowed(words, PROSE)).toEqual(whole(words, PROSE));
    expect(windowed(sentences, '')).toEqual([]);
  });

  it('gives the same sentences and words of long prose as the whole text does, with their places in it', () => {
    const long = PROSE.repeat(400);
    expect(windowed(sentences, long)).toEqual(whole(sentences, long));
    expect(windowed(words, long)).toEqual(whole(words, long));
  });

  it('hands the segmenter a window at a time, however long the text, and still joins back to it', () => {
    const seen: number[] = [];
    const segment = Intl.Segmenter.prototype.segment;
    vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, input: string) {
      seen.push(input.length);
      return segment.call(this, input);
    });
    const text = fill('人才回流了。Talent came back. ');
    expect(Array.from(segmentsOf(sentences, text), (s) => s.segment).join('')).toBe(text);
    expect(Math.max(...seen)).toBeLessThanOrEqual(8_192);
  });

  it('reads a quarter of a megabyte of one-character words, or a megabyte of short sentences, within the budget', () => {
    // Whole, V8 copies the text once per segment: 120,000 characters of short sentences ran out of memory.
    for (const [segmenter, text] of [
      [words, fill('。，', MEGABYTE / 4)],
      [sentences, fill('人。')],
    ] as const) {
      let count = 0;
      const seconds = cpuSeconds(() => {
        for (const s of segmentsOf(segmenter, text)) count += s.segment.length;
      });
      expect(count).toBe(text.length);
      expect(seconds).toBeLessThan(CPU_BUDGET_SECONDS);
    }
  });

  it('stops segmenting when the caller stops reading', () => {
    const lengths: number[] = [];
    const segment = Intl.Segmenter.prototype.segment;
    vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, input: string) {
      lengths.push(input.length);
      return segment.call(this, input);
    });
    const [first] = segmentsOf(sentences, fill('人才回流了。'));
    expect(first?.segment).toBe('人才回流了。');
    expect(lengths).toEqual([8_192]);
  });
});
