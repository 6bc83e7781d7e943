import { describe, expect, it } from 'vitest';
import type { Language } from '../../functions/core/config.js';
import { TEMPLATE_WORDS, wordsFor, type TemplateWords } from '../../templates/i18n.js';

const languages: Language[] = ['zh-Hant', 'zh-Hans', 'en'];

/** Every leaf of the word table as [dotted key, value], with functions called on a sample title. */
function leaves(words: object, prefix = ''): Array<[string, string]> {
  return Object.entries(words).flatMap(([key, value]): Array<[string, string]> => {
    const name = prefix + key;
    if (typeof value === 'function') return [[name, String((value as (s: string) => string)('《測試》'))]];
    if (typeof value === 'object' && value !== null) return leaves(value as object, `${name}.`);
    return [[name, String(value)]];
  });
}

describe('templateWords', () => {
  it('has the same keys for every language', () => {
    const keys = leaves(TEMPLATE_WORDS.en).map(([key]) => key);
    for (const language of languages) expect(leaves(wordsFor(language)).map(([key]) => key)).toEqual(keys);
  });

  it.each(languages)('has no empty words in %s', (language) => {
    for (const [key, value] of leaves(wordsFor(language))) expect(value.trim(), key).not.toBe('');
  });

  it.each(languages)('puts the newsletter title into every sentence that names it in %s', (language) => {
    const words = wordsFor(language);
    for (const sentence of [words.whyYouGetThis, words.confirm.subject, words.confirm.body, words.confirm.whyYouGetThis, words.welcome.subject, words.welcome.body]) {
      expect(sentence('AI Weekly')).toContain('AI Weekly');
    }
  });

  it('uses traditional and simplified characters for the two Chinese variants', () => {
    expect(wordsFor('zh-Hant').unsubscribe).toBe('取消訂閱');
    expect(wordsFor('zh-Hans').unsubscribe).toBe('取消订阅');
    expect(wordsFor('en').unsubscribe).toBe('Unsubscribe');
    expect(wordsFor('zh-Hant').confirm.button).not.toBe(wordsFor('zh-Hans').confirm.button);
  });

  it('formats the edition date for each language', () => {
    expect(wordsFor('zh-Hant').formatDate('2025-07-04')).toBe('2025年7月4日');
    expect(wordsFor('zh-Hans').formatDate('2025-07-04')).toBe('2025年7月4日');
    expect(wordsFor('en').formatDate('2025-07-04')).toBe('4 July 2025');
    expect(wordsFor('en').formatDate('soon')).toBe('soon');
  });

  it('names a CJK font stack matching the script, ending in a generic family', () => {
    expect(wordsFor('zh-Hant').fontFamily).toMatch(/^PingFang TC, Noto Sans CJK TC.*Microsoft JhengHei/);
    expect(wordsFor('zh-Hans').fontFamily).toMatch(/^PingFang SC, Noto Sans CJK SC.*Microsoft YaHei/);
    for (const language of languages) expect(wordsFor(language).fontFamily).toMatch(/, sans-serif$/);
  });

  it('rejects a language missing a word at compile time', () => {
    const { unsubscribe: _unsubscribe, ...withoutUnsubscribe } = TEMPLATE_WORDS.en;
    // `tsc --noEmit` fails here if TemplateWords ever stops requiring `unsubscribe`.
    // @ts-expect-error a language without `unsubscribe` is not TemplateWords
    const incomplete: TemplateWords = withoutUnsubscribe;
    expect(incomplete).not.toHaveProperty('unsubscribe');
  });
});
